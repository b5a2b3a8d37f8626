// The NPY and NPZ readers. The first byte picks the reader: even parses the
// rest as one .npy file, odd opens it as an .npz archive (inflating at most
// 64 MiB per member, so the smoke run stays within its memory limit).
// DataError is the reader's refusal; anything else that escapes is a finding.
#include "data/dataset.h"
#include "data/npyreader.h"
#include "memoryfile.h"

#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size < 1)
        return 0;
    try {
        if (data[0] % 2 == 0) {
            lepton::parseNpy(std::string_view(reinterpret_cast<const char*>(data + 1), size - 1), "fuzz.npy");
        } else {
            const lepton::fuzz::MemoryFile archive(data + 1, size - 1);
            lepton::readNpz(archive.path(), {}, int64_t(64) << 20);
        }
    } catch (const lepton::DataError&) {
    }
    return 0;
}
