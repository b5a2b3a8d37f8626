#pragma once

#include <string>
#include <string_view>

namespace lepton {

// Text from files (names, types, paths, class names) as people are shown it:
// control characters (newline, escape, NUL, the C1 range) and bytes that are
// not UTF-8 come out as visible escapes ("\n", "\x1b", "\0"), so a name can
// never move the cursor, recolor a terminal or forge a line of output.
// Printable text, backslashes included, stays as it is: escaping twice
// changes nothing.
std::string displayText(std::string_view text);

} // namespace lepton
