// A name written into SQL (a table or a column) as a quoted identifier, the same in SQLite and
// PostgreSQL: in double quotes, a double quote in it doubled.

public enum SQLIdentifier {
    public static func quoted(_ name: String) -> String {
        "\"" + name.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
    }
}
