/// Splits a `credential_process` command line into words the way the AWS CLI
/// does on Linux and macOS (botocore's `compat_shell_split`, which is Python's
/// `shlex.split` in POSIX mode), so the same line runs the same program with
/// the same arguments, and no shell ever sees it:
///
/// - blanks (space, tab, line ends) separate words;
/// - `'…'` keeps everything inside as is;
/// - `"…"` keeps everything inside, except that `\"` and `\\` stand for `"` and `\`;
/// - outside quotes, `\` makes the next character ordinary;
/// - quoted and unquoted pieces next to each other form one word; `""` is an empty word.
///
/// `$`, backquotes, `*`, `~`, `|`, `;`, `#` and redirections are ordinary characters.
enum ShellWords {
    enum SplitError: Error, Equatable, CustomStringConvertible {
        case unterminatedQuote
        case trailingBackslash

        var description: String {
            switch self {
            case .unterminatedQuote: "has a quote that is never closed"
            case .trailingBackslash: "ends with a lone backslash"
            }
        }
    }

    static func split(_ line: String) throws(SplitError) -> [String] {
        var words: [String] = []
        var word = ""
        var inWord = false
        var characters = line.makeIterator()
        while let character = characters.next() {
            switch character {
            case " ", "\t", "\n", "\r", "\r\n", "\u{0B}", "\u{0C}":
                if inWord { words.append(word) }
                word = ""
                inWord = false
            case "'":
                inWord = true
                while true {
                    guard let next = characters.next() else { throw .unterminatedQuote }
                    if next == "'" { break }
                    word.append(next)
                }
            case "\"":
                inWord = true
                while true {
                    guard let next = characters.next() else { throw .unterminatedQuote }
                    if next == "\"" { break }
                    if next == "\\" {
                        guard let escaped = characters.next() else { throw .unterminatedQuote }
                        if escaped != "\"" && escaped != "\\" { word.append("\\") }
                        word.append(escaped)
                    } else {
                        word.append(next)
                    }
                }
            case "\\":
                guard let escaped = characters.next() else { throw .trailingBackslash }
                inWord = true
                word.append(escaped)
            default:
                inWord = true
                word.append(character)
            }
        }
        if inWord { words.append(word) }
        return words
    }
}
