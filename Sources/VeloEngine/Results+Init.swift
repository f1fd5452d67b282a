// Public initialisers of the result values, for results computed elsewhere than in a
// workspace (a SQL engine, see VeloSQL) and worded by the frontend the same way.

import VeloCheck

extension FlagHit {
    public init(_ flag: String, severity: FlagSeverity, table: String, row: Int, keys: [CellValue], message: [FlagMessagePiece]) {
        self.flag = flag
        self.severity = severity
        self.table = table
        self.row = row
        self.keys = keys
        self.message = message
    }
}

extension CheckedCell {
    public init(_ column: ColumnRef, name: String, value: ShownValue) {
        self.column = column
        self.name = name
        self.value = value
    }
}

extension CheckFailure {
    public init(_ check: String, table: String, row: Int, keys: [CellValue], condition: String, values: [CheckedCell]) {
        self.check = check
        self.table = table
        self.row = row
        self.keys = keys
        self.condition = condition
        self.values = values
    }
}
