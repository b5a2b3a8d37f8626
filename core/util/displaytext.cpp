#include "util/displaytext.h"

#include <cstdint>
#include <cstdio>

namespace lepton {

namespace {

void appendHex(std::string& out, uint8_t byte)
{
    char escaped[5];
    std::snprintf(escaped, sizeof escaped, "\\x%02x", byte);
    out += escaped;
}

// Length of the well-formed UTF-8 sequence at `at` (overlong forms,
// surrogates and values past U+10FFFF are not); 0 when there is none.
size_t utf8Length(std::string_view text, size_t at)
{
    const auto byte = [&](size_t i) { return static_cast<uint8_t>(text[i]); };
    const uint8_t lead = byte(at);
    size_t length = 0;
    uint8_t low = 0x80, high = 0xBF; // the second byte's range
    if (lead >= 0xC2 && lead <= 0xDF)
        length = 2;
    else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        low = lead == 0xE0 ? 0xA0 : 0x80;
        high = lead == 0xED ? 0x9F : 0xBF;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        low = lead == 0xF0 ? 0x90 : 0x80;
        high = lead == 0xF4 ? 0x8F : 0xBF;
    } else
        return 0;
    if (at + length > text.size() || byte(at + 1) < low || byte(at + 1) > high)
        return 0;
    for (size_t i = 2; i < length; ++i) {
        if (byte(at + i) < 0x80 || byte(at + i) > 0xBF)
            return 0;
    }
    return length;
}

} // namespace

std::string displayText(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    for (size_t at = 0; at < text.size();) {
        const auto byte = static_cast<uint8_t>(text[at]);
        if (byte >= 0x20 && byte < 0x7F) {
            out += char(byte);
            ++at;
            continue;
        }
        switch (byte) {
        case '\n': out += "\\n"; ++at; continue;
        case '\r': out += "\\r"; ++at; continue;
        case '\t': out += "\\t"; ++at; continue;
        case '\0': out += "\\0"; ++at; continue;
        default: break;
        }
        const size_t length = byte < 0x80 ? 0 : utf8Length(text, at);
        // U+0080 to U+009F are the C1 controls: 0xC2 0x9B is a terminal's CSI.
        const bool c1 = length == 2 && byte == 0xC2 && static_cast<uint8_t>(text[at + 1]) < 0xA0;
        if (length == 0) {
            appendHex(out, byte); // a C0 control, DEL or a byte outside UTF-8
            ++at;
            continue;
        }
        if (c1) {
            char escaped[7];
            std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<uint8_t>(text[at + 1]));
            out += escaped;
            at += 2;
            continue;
        }
        out.append(text.substr(at, length));
        at += length;
    }
    return out;
}

} // namespace lepton
