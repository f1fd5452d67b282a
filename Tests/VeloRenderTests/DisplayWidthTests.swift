// Terminal widths of text: per grapheme cluster, wide East Asian characters and emoji count 2.

import Testing
@testable import VeloRender

struct DisplayWidthTests {
    @Test(arguments: [
        ("", 0), ("abc", 3), ("é", 1), ("e\u{301}", 1), ("日本", 4), ("🚚", 2), ("👍🏽", 2),
        ("👨‍👩‍👧", 2), ("—", 1), ("…", 1), ("Ünïcödé", 7), ("ｱ", 1), ("Ａ", 2), ("한국", 4),
    ])
    func width(_ s: String, _ expected: Int) {
        #expect(DisplayWidth.of(s) == expected)
    }

    @Test(arguments: [
        ("hello world", 5, "hell…"), ("hello", 5, "hello"), ("hello", 1, "…"), ("hello", 0, ""),
        ("日本語テキスト", 5, "日本…"), ("日本語", 4, "日…"), ("e\u{301}e\u{301}e\u{301}", 2, "e\u{301}…"),
    ])
    func truncate(_ s: String, _ width: Int, _ expected: String) {
        let cut = DisplayWidth.truncate(s, to: width)
        #expect(cut == expected)
        #expect(DisplayWidth.of(cut) <= width)
    }
}
