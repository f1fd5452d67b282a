// How a CSV source is laid out, for a reader that is not Velo's: the SQL compiler hands the
// file to DuckDB, PostgreSQL or Spark and must tell them what Velo's reader decides for
// itself — the separator (declared or guessed), the decimal mark, the date formats, the
// encoding, whether there is a header row, and the file's own column names in order.

/// A CSV source's dialect as the native reader resolves it, and the file's column names.
public struct CSVLayout: Sendable, Equatable {
    /// The dialect, its delimiter resolved (declared, or guessed from the first line).
    public var dialect: CSVDialect
    /// Lines end in CR alone.
    public var crOnly: Bool
    /// The file's column names in order: its header row's, or the listed names of a file
    /// without one.
    public var fileColumns: [String]

    /// The field separator as one character.
    public var delimiter: String { String(UnicodeScalar(dialect.delimiter ?? ASCII.comma)) }
    /// The decimal mark as one character.
    public var decimal: String { String(UnicodeScalar(dialect.decimal)) }
    /// The thousands separator as one character, if the source has one.
    public var thousands: String? { dialect.thousands.map { String(UnicodeScalar($0)) } }
    /// Whether the file is what every engine reads by default: comma-separated UTF-8 with a
    /// header, numbers with a decimal point, ISO dates, LF or CRLF line ends.
    public var isPlain: Bool { dialect.isPlain && !crOnly }
}

extension DialectCSVReader {
    /// The layout the native reader would read this file with.
    public func layout() throws(DataError) -> CSVLayout {
        let r = try resolved()
        var limit = 1 << 16
        while true {
            let (bytes, isWhole) = try FileBytes.readPrefix(path: path, limit: limit)
            let out = try transcoder(r.dialect, ReadOptions()).run(bytes.base, count: bytes.count, isWhole: isWhole, mode: .whole)
            bytes.release()
            if !out.available.isEmpty || isWhole {
                return CSVLayout(dialect: r.dialect, crOnly: r.crOnly, fileColumns: out.available)
            }
            limit = limit > Int.max / 4 ? Int.max : limit * 4
        }
    }
}
