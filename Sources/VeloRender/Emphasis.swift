// Colour for a cell that should stand out on a terminal (never in files, never with NO_COLOR:
// the renderer paints only when asked to, and the frontend asks only on a colour terminal).

public enum Emphasis: Sendable, Equatable {
    /// Red and bold: a flag of severity error.
    case error
    /// Yellow: a warning.
    case warning

    /// The SGR parameters.
    var sgr: String {
        switch self {
        case .error: return "1;31"
        case .warning: return "33"
        }
    }
}
