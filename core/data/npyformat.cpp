#include "data/npyformat.h"

#include "data/dataset.h"

#include <algorithm>
#include <cstring>

namespace lepton {

namespace {

constexpr std::string_view kMagic("\x93NUMPY", 6);
// NumPy writes headers of a few hundred bytes; this allows 64 dimensions
// many times over without trusting a length field of up to 4 GiB.
constexpr int64_t kMaxHeaderBytes = int64_t(1) << 20;
constexpr size_t kMaxRank = 64;
constexpr size_t kFillPieceBytes = size_t(1) << 20;

[[noreturn]] void fail(const std::string& name, const std::string& problem)
{
    throw DataError(name + ": " + problem);
}

uint32_t littleEndian(std::string_view bytes, size_t at, int count)
{
    uint32_t value = 0;
    for (int i = count - 1; i >= 0; --i)
        value = (value << 8) | static_cast<uint8_t>(bytes[at + size_t(i)]);
    return value;
}

// The header is a Python dict literal such as
// {'descr': '<f4', 'fortran_order': False, 'shape': (60000, 28, 28), }
// read here by hand: only strings, True/False and tuples of integers occur.
class HeaderParser {
public:
    HeaderParser(std::string_view text, int64_t base, const std::string& name)
        : m_text(text)
        , m_base(base)
        , m_name(name)
    {
    }

    NpyHeader parse()
    {
        NpyHeader header;
        bool seenDescr = false, seenOrder = false, seenShape = false;
        expect('{', "the header dict");
        while (true) {
            skipSpace();
            if (peek() == '}')
                break;
            const size_t keyAt = m_pos;
            const std::string key = string("a key");
            expect(':', "':' after '" + key + "'");
            bool* seen = key == "descr" ? &seenDescr
                : key == "fortran_order" ? &seenOrder
                : key == "shape"         ? &seenShape
                                         : nullptr;
            if (!seen)
                failAt(keyAt, "unexpected key '" + key + "' (an NPY header has 'descr', 'fortran_order' and 'shape')");
            if (*seen)
                failAt(keyAt, "key '" + key + "' appears twice");
            *seen = true;
            if (key == "descr")
                descr(header);
            else if (key == "fortran_order")
                header.fortranOrder = boolean();
            else
                header.shape = tuple();
            skipSpace();
            if (peek() == ',') {
                ++m_pos;
                continue;
            }
            if (peek() != '}')
                failAt(m_pos, "expected ',' or '}' after the value of '" + key + "'");
        }
        ++m_pos;
        for (; m_pos < m_text.size(); ++m_pos) {
            if (!std::strchr(" \t\r\n", m_text[m_pos]))
                failAt(m_pos, "unexpected text after the header dict");
        }
        if (!seenDescr || !seenOrder || !seenShape)
            fail(m_name, std::string("the header lacks '")
                     + (!seenDescr ? "descr" : !seenOrder ? "fortran_order" : "shape") + "'");
        return header;
    }

private:
    [[noreturn]] void failAt(size_t at, const std::string& problem) const
    {
        fail(m_name, "bad header at offset " + std::to_string(m_base + int64_t(at)) + ": " + problem);
    }

    char peek() const { return m_pos < m_text.size() ? m_text[m_pos] : '\0'; }

    void skipSpace()
    {
        while (m_pos < m_text.size() && std::strchr(" \t\r\n", m_text[m_pos]))
            ++m_pos;
    }

    void expect(char c, const std::string& what)
    {
        skipSpace();
        if (peek() != c)
            failAt(m_pos, "expected " + what);
        ++m_pos;
    }

    std::string string(const std::string& what)
    {
        skipSpace();
        const char quote = peek();
        if (quote != '\'' && quote != '"')
            failAt(m_pos, "expected " + what + " in quotes");
        const size_t end = m_text.find(quote, m_pos + 1);
        if (end == std::string_view::npos)
            failAt(m_pos, "unterminated string");
        std::string text(m_text.substr(m_pos + 1, end - m_pos - 1));
        if (text.find('\\') != std::string::npos)
            failAt(m_pos, "unexpected escape in a string");
        m_pos = end + 1;
        return text;
    }

    bool boolean()
    {
        skipSpace();
        for (const auto& [word, value] : {std::pair{std::string_view("True"), true}, {"False", false}}) {
            if (m_text.substr(m_pos, word.size()) == word) {
                m_pos += word.size();
                return value;
            }
        }
        failAt(m_pos, "expected True or False for 'fortran_order'");
    }

    void descr(NpyHeader& header)
    {
        skipSpace();
        if (peek() == '[')
            failAt(m_pos, "structured dtypes (records of named fields) are not supported");
        const std::string text = string("the dtype");
        char order = '|';
        std::string type = text;
        if (!type.empty() && std::strchr("<>|=", type[0])) {
            order = type[0];
            type.erase(0, 1);
        }
        if (type.find('O') != std::string::npos)
            fail(m_name, "dtype '" + text + "' (Python objects) is not supported; nothing is ever unpickled");
        struct Known {
            const char* code;
            NpyArray::DType dtype;
            int size;
        };
        static const Known kKnown[] = {{"f4", NpyArray::DType::Float32, 4}, {"f8", NpyArray::DType::Float64, 8},
                                       {"u1", NpyArray::DType::UInt8, 1},   {"i4", NpyArray::DType::Int32, 4},
                                       {"i8", NpyArray::DType::Int64, 8}};
        for (const Known& known : kKnown) {
            if (type == known.code) {
                header.dtype = known.dtype;
                header.itemSize = known.size;
                header.swapBytes = order == '>' && known.size > 1;
                return;
            }
        }
        fail(m_name, "dtype '" + text + "' is not supported (float32, float64, uint8, int32 and int64 are)");
    }

    std::vector<int64_t> tuple()
    {
        expect('(', "a tuple for 'shape'");
        std::vector<int64_t> shape;
        while (true) {
            skipSpace();
            if (peek() == ')')
                break;
            if (shape.size() == kMaxRank)
                failAt(m_pos, "more than " + std::to_string(kMaxRank) + " dimensions");
            shape.push_back(dimension());
            skipSpace();
            if (peek() == ',')
                ++m_pos;
            else if (peek() != ')')
                failAt(m_pos, "expected ',' or ')' in the shape");
        }
        ++m_pos;
        return shape;
    }

    int64_t dimension()
    {
        const size_t start = m_pos;
        int64_t value = 0;
        while (peek() >= '0' && peek() <= '9') {
            const int digit = peek() - '0';
            if (value > (INT64_MAX - digit) / 10)
                failAt(start, "dimension too large");
            value = value * 10 + digit;
            ++m_pos;
        }
        if (m_pos == start)
            failAt(start, "expected a non-negative integer in the shape");
        if (peek() == 'L') // Python 2 wrote long integers as 3L
            ++m_pos;
        return value;
    }

    std::string_view m_text;
    int64_t m_base;
    const std::string& m_name;
    size_t m_pos = 0;
};

template <typename T>
void swapEach(std::vector<T>& values)
{
    static_assert(sizeof(T) == 4 || sizeof(T) == 8);
    for (T& value : values) {
        if constexpr (sizeof(T) == 4) {
            uint32_t bits;
            std::memcpy(&bits, &value, 4);
            bits = __builtin_bswap32(bits);
            std::memcpy(&value, &bits, 4);
        } else {
            uint64_t bits;
            std::memcpy(&bits, &value, 8);
            bits = __builtin_bswap64(bits);
            std::memcpy(&value, &bits, 8);
        }
    }
}

// Fortran order varies the first index fastest: walk the source in that
// order and move each value to its C-order place.
template <typename T>
void toCOrder(const std::vector<int64_t>& shape, std::vector<T>& values)
{
    const size_t rank = shape.size();
    std::vector<int64_t> cStride(rank, 1);
    for (size_t d = rank - 1; d > 0; --d)
        cStride[d - 1] = cStride[d] * shape[d];
    std::vector<T> ordered(values.size());
    std::vector<int64_t> index(rank, 0);
    int64_t target = 0;
    for (const T& value : values) {
        ordered[size_t(target)] = value;
        for (size_t d = 0; d < rank; ++d) {
            target += cStride[d];
            if (++index[d] < shape[d])
                break;
            target -= cStride[d] * shape[d];
            index[d] = 0;
        }
    }
    values = std::move(ordered);
}

} // namespace

int64_t npyDataOffset(std::string_view prelude, const std::string& name)
{
    const size_t have = std::min(prelude.size(), kMagic.size());
    if (prelude.substr(0, have) != kMagic.substr(0, have))
        fail(name, "not a NumPy .npy file (bad magic at offset 0)");
    if (prelude.size() < 8)
        fail(name, "ends after " + std::to_string(prelude.size()) + " bytes, inside the NPY header");
    const int major = static_cast<uint8_t>(prelude[6]);
    const int minor = static_cast<uint8_t>(prelude[7]);
    if (major < 1 || major > 3)
        fail(name, "unsupported NPY format version " + std::to_string(major) + "." + std::to_string(minor)
                 + " at offset 6 (1.0 to 3.0 are supported)");
    const int lengthBytes = major == 1 ? 2 : 4;
    if (prelude.size() < size_t(8 + lengthBytes))
        fail(name, "ends after " + std::to_string(prelude.size()) + " bytes, inside the NPY header");
    const int64_t length = littleEndian(prelude, 8, lengthBytes);
    if (length > kMaxHeaderBytes)
        fail(name, "header length " + std::to_string(length) + " at offset 8 is larger than any NPY header");
    return 8 + lengthBytes + length;
}

NpyHeader parseNpyHeader(std::string_view head, const std::string& name)
{
    const int64_t offset = npyDataOffset(head, name);
    if (int64_t(head.size()) < offset)
        fail(name, "ends after " + std::to_string(head.size()) + " bytes, inside the NPY header (which ends at offset "
                 + std::to_string(offset) + ")");
    const int64_t start = static_cast<uint8_t>(head[6]) == 1 ? 10 : 12;
    NpyHeader header = HeaderParser(head.substr(size_t(start), size_t(offset - start)), start, name).parse();
    header.dataOffset = offset;

    int64_t count = 1;
    for (int64_t dim : header.shape) {
        if (dim != 0 && count > INT64_MAX / header.itemSize / dim)
            fail(name, "shape " + npyShapeText(header.shape) + " is too large to address");
        count *= dim;
    }
    header.dataBytes = count * header.itemSize;
    return header;
}

NpyArray allocateNpy(const NpyHeader& header)
{
    NpyArray array;
    array.shape = header.shape;
    const auto count = static_cast<size_t>(header.dataBytes / header.itemSize);
    switch (header.dtype) {
    case NpyArray::DType::Float32: reserveLarge(array.values.emplace<std::vector<float>>(), count); break;
    case NpyArray::DType::Float64: reserveLarge(array.values.emplace<std::vector<double>>(), count); break;
    case NpyArray::DType::UInt8: reserveLarge(array.values.emplace<std::vector<uint8_t>>(), count); break;
    case NpyArray::DType::Int32: reserveLarge(array.values.emplace<std::vector<int32_t>>(), count); break;
    case NpyArray::DType::Int64: reserveLarge(array.values.emplace<std::vector<int64_t>>(), count); break;
    }
    return array;
}

int64_t fillNpy(const NpyHeader& header, NpyArray& array, const std::function<int64_t(uint8_t*, int64_t)>& read)
{
    return std::visit(
        [&](auto& values) {
            using T = typename std::decay_t<decltype(values)>::value_type;
            const auto count = static_cast<size_t>(header.dataBytes / header.itemSize);
            const size_t piece = kFillPieceBytes / sizeof(T);
            while (values.size() < count) {
                const size_t start = values.size();
                values.resize(std::min(count, start + piece));
                const auto wanted = int64_t((values.size() - start) * sizeof(T));
                const int64_t got = read(reinterpret_cast<uint8_t*>(values.data() + start), wanted);
                if (got < wanted) {
                    values.resize(start + size_t(got) / sizeof(T));
                    break;
                }
            }
            return int64_t(values.size() * sizeof(T));
        },
        array.values);
}

void finishNpy(const NpyHeader& header, NpyArray& array)
{
    std::visit(
        [&](auto& values) {
            using T = typename std::decay_t<decltype(values)>::value_type;
            if constexpr (sizeof(T) > 1) {
                if (header.swapBytes)
                    swapEach(values);
            }
            if (header.fortranOrder && header.shape.size() > 1 && !values.empty())
                toCOrder(header.shape, values);
        },
        array.values);
}

} // namespace lepton
