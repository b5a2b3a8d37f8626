#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace lepton {

enum class TokenLevel {
    Word, // runs of letters and digits (any byte >= 0x80 counts as a letter)
    Char, // every character (UTF-8 code point), spaces and punctuation too
};

// "word", "char"
std::string tokenLevelName(TokenLevel level);

// Lower-cases ASCII letters of `text` into `lowered` and appends views into
// it, one per token, to `tokens` (cleared first). `lowered` must outlive them.
void tokenizeText(std::string_view text, TokenLevel level, std::string& lowered,
                  std::vector<std::string_view>& tokens);

// Token ids for sequence models: 0 pads, 1 stands for a token outside the
// vocabulary, and vocabulary entry i has id i + 2.
class Vocabulary {
public:
    static constexpr int64_t kPadding = 0;
    static constexpr int64_t kUnknown = 1;

    // Counts the tokens of `texts` and keeps the `maxSize` most frequent,
    // ties in order of first appearance.
    static Vocabulary build(const std::vector<const std::string*>& texts, TokenLevel level, int64_t maxSize);
    explicit Vocabulary(std::vector<std::string> tokens = {});
    // The id map holds views into the tokens: a copy rebuilds it, a move
    // keeps the strings where they are.
    Vocabulary(const Vocabulary& other)
        : Vocabulary(other.m_tokens)
    {
    }
    Vocabulary& operator=(const Vocabulary& other) { return *this = Vocabulary(other.m_tokens); }
    Vocabulary(Vocabulary&&) = default;
    Vocabulary& operator=(Vocabulary&&) = default;

    int64_t id(std::string_view token) const;
    const std::vector<std::string>& tokens() const { return m_tokens; }

private:
    std::vector<std::string> m_tokens;
    std::unordered_map<std::string_view, int64_t> m_ids; // views into m_tokens
};

} // namespace lepton
