#include "data/texttokens.h"

#include <algorithm>

namespace lepton {

namespace {

bool isWordByte(unsigned char byte)
{
    return (byte >= '0' && byte <= '9') || (byte >= 'a' && byte <= 'z') || byte >= 0x80;
}

char lowered(char c)
{
    return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c;
}

} // namespace

std::string tokenLevelName(TokenLevel level)
{
    return level == TokenLevel::Char ? "char" : "word";
}

void tokenizeText(std::string_view text, TokenLevel level, std::string& lower, std::vector<std::string_view>& tokens)
{
    tokens.clear();
    lower.resize(text.size());
    std::transform(text.begin(), text.end(), lower.begin(), lowered);
    const std::string_view all = lower;
    size_t i = 0;
    while (i < all.size()) {
        const auto byte = static_cast<unsigned char>(all[i]);
        if (level == TokenLevel::Char) {
            // A lead byte and its continuation bytes make one character.
            size_t end = i + 1;
            while (byte >= 0xC0 && end < all.size() && (static_cast<unsigned char>(all[end]) & 0xC0) == 0x80)
                ++end;
            tokens.push_back(all.substr(i, end - i));
            i = end;
        } else if (isWordByte(byte)) {
            size_t end = i + 1;
            while (end < all.size() && isWordByte(static_cast<unsigned char>(all[end])))
                ++end;
            tokens.push_back(all.substr(i, end - i));
            i = end;
        } else {
            ++i;
        }
    }
}

Vocabulary Vocabulary::build(const std::vector<const std::string*>& texts, TokenLevel level, int64_t maxSize)
{
    struct Seen {
        int64_t count = 0;
        int64_t first = 0;
    };
    std::unordered_map<std::string, Seen> seen;
    std::string lower;
    std::vector<std::string_view> tokens;
    for (const std::string* text : texts) {
        tokenizeText(*text, level, lower, tokens);
        for (const std::string_view token : tokens) {
            auto [it, added] = seen.try_emplace(std::string(token));
            if (added)
                it->second.first = int64_t(seen.size());
            ++it->second.count;
        }
    }
    std::vector<std::pair<const std::string*, Seen>> ranked;
    ranked.reserve(seen.size());
    for (const auto& [token, stats] : seen)
        ranked.emplace_back(&token, stats);
    std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
        return a.second.count != b.second.count ? a.second.count > b.second.count : a.second.first < b.second.first;
    });
    if (int64_t(ranked.size()) > maxSize)
        ranked.resize(static_cast<size_t>(std::max<int64_t>(maxSize, 0)));
    std::vector<std::string> kept;
    kept.reserve(ranked.size());
    for (const auto& entry : ranked)
        kept.push_back(*entry.first);
    return Vocabulary(std::move(kept));
}

Vocabulary::Vocabulary(std::vector<std::string> tokens)
    : m_tokens(std::move(tokens))
{
    m_ids.reserve(m_tokens.size());
    for (size_t i = 0; i < m_tokens.size(); ++i)
        m_ids.emplace(m_tokens[i], int64_t(i) + 2);
}

int64_t Vocabulary::id(std::string_view token) const
{
    const auto it = m_ids.find(token);
    return it == m_ids.end() ? kUnknown : it->second;
}

} // namespace lepton
