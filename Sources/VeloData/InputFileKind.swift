// What kind of file an input is, and why Velo will not read it when it is not a file.
//
// Rule files and data sources are regular files, or named pipes given on purpose. Anything
// else would read forever (`/dev/zero`, `/dev/urandom`), block on a terminal or fail
// obscurely (a directory, a socket): it is refused before a byte is read, with what it is.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

public enum InputFileKind {
    /// Why a file of this mode (`st_mode`) is not read, or nil for a regular file or a named pipe.
    public static func refusal(_ mode: mode_t) -> String? {
        switch mode & S_IFMT {
        case S_IFREG, S_IFIFO: return nil
        case S_IFDIR: return "it is a directory, not a file"
        case S_IFCHR: return "it is a character device, not a file (Velo reads regular files and named pipes)"
        case S_IFBLK: return "it is a block device, not a file (Velo reads regular files and named pipes)"
        case S_IFSOCK: return "it is a socket, not a file (Velo reads regular files and named pipes)"
        default: return "it is not a regular file (Velo reads regular files and named pipes)"
        }
    }
}
