#pragma once

#include <cstdint>

namespace lepton {

// Features that are not held anywhere but made one sample at a time when a
// batch needs them: images decoded from their files, for folders whose
// decoded pixels would not fit in memory.
class SampleReader {
public:
    virtual ~SampleReader() = default;
    // Writes sample `sample`'s bytes, [C, H, W], into `out`. Called from
    // several threads at once. Throws DataError naming the file.
    virtual void read(int64_t sample, uint8_t* out) const = 0;
};

} // namespace lepton
