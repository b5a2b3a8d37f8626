// Image decoding: PNG, JPEG and BMP files of any content, decoded and resized
// to 16x16 the way an image folder's samples are. DataError is the decoder's
// refusal; anything else that escapes is a finding.
#include "data/dataset.h"
#include "data/imagedecoder.h"
#include "memoryfile.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const lepton::fuzz::MemoryFile image(data, size);
    try {
        lepton::decodeImage(image.path(), 16, 16, 0);
    } catch (const lepton::DataError&) {
    }
    return 0;
}
