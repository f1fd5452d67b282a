// Where `--output` writes and in which format: a path ending in `/` (or an existing
// directory, or for several tables a path without an extension) is a directory with one file
// per table; a file's extension names its format unless `--format` says otherwise, and a
// mismatch is refused; several tables go to one `.json` file as one document, to no other
// file. Parent folders are created.

import VeloRender

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

enum OutputFiles {
    /// What `--output PATH` means.
    struct Target: Equatable {
        var path: String
        var isDirectory: Bool
        var format: OutputFormat
    }

    /// The format a file name's extension names, if any.
    static func format(ofExtension path: String) -> OutputFormat? {
        let base = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = base.lastIndex(of: "."), dot != base.startIndex else { return nil }
        switch base[base.index(after: dot)...].lowercased() {
        case "csv": return .csv
        case "json": return .json
        case "md", "markdown": return .markdown
        case "txt": return .table
        default: return nil
        }
    }

    static func fileExtension(_ format: OutputFormat) -> String {
        switch format {
        case .csv: return "csv"
        case .json: return "json"
        case .markdown: return "md"
        case .table: return "txt"
        }
    }

    /// Resolves `--output PATH` with the `--format` given (nil: none). A usage error message
    /// when the extension and the format disagree, or several tables go to one file.
    static func target(_ path: String, format: OutputFormat?, tableCount: Int) -> Result<Target, UsageMessage> {
        var st = stat()
        let existingDirectory = stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
        if path.hasSuffix("/") || existingDirectory {
            return .success(Target(path: path, isDirectory: true, format: format ?? .csv))
        }
        let named = Self.format(ofExtension: path)
        if let f = format, let n = named, f != n {
            return .failure(UsageMessage(text: "--output \(path) is a .\(fileExtension(n)) file but --format is \(f.rawValue); "
                                             + "name the file .\(fileExtension(f)), or drop --format"))
        }
        if tableCount > 1, named == nil {
            // Several tables to a path without an extension: a directory, as always.
            return .success(Target(path: path, isDirectory: true, format: format ?? .csv))
        }
        if tableCount > 1, (format ?? named) != .json {
            let base = path.split(separator: "/").last.map(String.init) ?? path
            let suggestion = named == nil ? path + "/" : String(path.dropLast(base.count)) + "out/"
            return .failure(UsageMessage(text: "--output \(path): \(tableCount) tables need a directory; write `\(suggestion)` "
                                             + "(one file per table), or pick one with --table or --report"))
        }
        return .success(Target(path: path, isDirectory: false, format: format ?? named ?? .csv))
    }

    struct UsageMessage: Error { var text: String }

    /// The file name for one table inside an output directory.
    static func fileName(_ table: String, in directory: String, format: OutputFormat) -> String {
        (directory.hasSuffix("/") ? directory : directory + "/") + table + "." + fileExtension(format)
    }

    /// Creates `path` and every missing folder above it; false (errno set) when one cannot be made.
    static func makeDirectories(_ path: String) -> Bool {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for part in path.split(separator: "/") where !part.isEmpty {
            prefix += part
            if !makeDirectory(prefix) { return false }
            prefix += "/"
        }
        return true
    }

    /// Creates the folders above a file path.
    static func makeParentDirectories(of file: String) -> Bool {
        guard let slash = file.lastIndex(of: "/") else { return true }
        let parent = String(file[..<slash])
        return parent.isEmpty || makeDirectories(parent)
    }
}
