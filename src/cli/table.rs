//! Tables that fit: on a terminal, columns are dropped (least useful first) and the last
//! flexible one shortened with `…` until a row fits the width; piped or with `-o wide`,
//! nothing is dropped or cut. Cells may carry colour: widths are measured without escapes,
//! and padding is added outside them, so colour never shifts a column.

/// One column of a table.
#[derive(Debug, Clone, Copy)]
pub struct Col {
    pub header: &'static str,
    /// Dropped on a narrow terminal, lowest first; 0 = never dropped.
    pub drop: u8,
    /// May be shortened with `…` on a narrow terminal.
    pub shrink: bool,
    /// Only with `-o wide`.
    pub wide_only: bool,
}

impl Col {
    pub const fn new(header: &'static str) -> Col {
        Col {
            header,
            drop: 0,
            shrink: false,
            wide_only: false,
        }
    }

    pub const fn drop(mut self, rank: u8) -> Col {
        self.drop = rank;
        self
    }

    pub const fn shrink(mut self) -> Col {
        self.shrink = true;
        self
    }

    pub const fn wide(mut self) -> Col {
        self.wide_only = true;
        self
    }
}

const GAP: usize = 2;
/// A shortened column keeps at least this many characters.
const MIN_SHRUNK: usize = 8;

/// Display width of `text`, without ANSI escapes (our cells hold only SGR sequences).
pub fn width(text: &str) -> usize {
    let mut n = 0;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            n += 1;
        }
    }
    n
}

/// `text` cut to `max` visible characters with `…`; escapes are dropped when cutting.
fn cut(text: &str, max: usize) -> String {
    if width(text) <= max {
        return text.to_string();
    }
    let mut plain = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            plain.push(c);
        }
    }
    let kept: String = plain.chars().take(max.saturating_sub(1)).collect();
    format!("{kept}…")
}

/// Renders `rows` under `cols`. `limit`: the terminal's width, or None (no limit). `bold`
/// wraps header cells in bold. Returns the lines, without trailing spaces.
pub fn render(
    cols: &[Col],
    rows: &[Vec<String>],
    wide: bool,
    limit: Option<usize>,
    bold: bool,
) -> Vec<String> {
    let mut keep: Vec<usize> = (0..cols.len())
        .filter(|&i| wide || !cols[i].wide_only)
        .collect();
    let natural = |i: usize| {
        rows.iter()
            .filter_map(|r| r.get(i))
            .map(|c| width(c))
            .chain(std::iter::once(cols[i].header.len()))
            .max()
            .unwrap_or(0)
    };
    let mut widths: Vec<usize> = (0..cols.len()).map(natural).collect();
    let total = |keep: &[usize], widths: &[usize]| {
        keep.iter().map(|&i| widths[i]).sum::<usize>() + GAP * keep.len().saturating_sub(1)
    };
    if let (Some(limit), false) = (limit, wide) {
        while total(&keep, &widths) > limit {
            let shrinkable = keep
                .iter()
                .copied()
                .rfind(|&i| cols[i].shrink && widths[i] > MIN_SHRUNK);
            let droppable = keep
                .iter()
                .copied()
                .filter(|&i| cols[i].drop > 0)
                .min_by_key(|&i| cols[i].drop);
            if let Some(i) = droppable {
                keep.retain(|&k| k != i);
            } else if let Some(i) = shrinkable {
                let over = total(&keep, &widths) - limit;
                widths[i] = widths[i].saturating_sub(over).max(MIN_SHRUNK);
            } else {
                break;
            }
        }
    }
    let line = |cells: Vec<String>| {
        let last = keep.len().saturating_sub(1);
        let mut out = String::new();
        for (n, (&i, cell)) in keep.iter().zip(cells).enumerate() {
            let cell = cut(&cell, widths[i]);
            let pad = widths[i].saturating_sub(width(&cell));
            out.push_str(&cell);
            if n < last {
                out.push_str(&" ".repeat(pad + GAP));
            }
        }
        out.trim_end().to_string()
    };
    let mut lines = Vec::with_capacity(rows.len() + 1);
    lines.push(line(
        keep.iter()
            .map(|&i| {
                if bold {
                    format!("\x1b[1m{}\x1b[0m", cols[i].header)
                } else {
                    cols[i].header.to_string()
                }
            })
            .collect(),
    ));
    for row in rows {
        lines.push(line(
            keep.iter()
                .map(|&i| row.get(i).cloned().unwrap_or_default())
                .collect(),
        ));
    }
    lines
}

/// The width of the terminal on stdout: `COLUMNS` when set, else the tty's, else 80.
pub fn terminal_width() -> usize {
    if let Some(n) = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|n| *n > 0)
    {
        return n;
    }
    #[cfg(unix)]
    {
        // SAFETY: TIOCGWINSZ fills the winsize struct we pass; on failure we ignore it.
        let mut size: libc::winsize = unsafe { std::mem::zeroed() };
        let ok = unsafe { libc::ioctl(libc::STDOUT_FILENO, libc::TIOCGWINSZ, &mut size) } == 0;
        if ok && size.ws_col > 0 {
            return size.ws_col as usize;
        }
    }
    80
}

/// The shortest prefix (at least 8 characters) that tells every id in `ids` apart.
pub fn short_len(ids: &[&str]) -> usize {
    let longest = ids.iter().map(|i| i.len()).max().unwrap_or(0);
    (8..longest)
        .find(|&n| {
            let mut seen = std::collections::HashSet::new();
            ids.iter().all(|id| seen.insert(id.get(..n).unwrap_or(id)))
        })
        .unwrap_or(longest)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows() -> Vec<Vec<String>> {
        vec![vec![
            "01a24bc3-0bca-7235".to_string(),
            "\x1b[32mCOMPLETED ✓\x1b[0m".to_string(),
            "intent.ask.v1".to_string(),
            "agent://local/default/echo".to_string(),
        ]]
    }

    const COLS: [Col; 4] = [
        Col::new("ID"),
        Col::new("STATUS"),
        Col::new("TYPE").drop(1),
        Col::new("TO").shrink(),
    ];

    #[test]
    fn colour_never_shifts_a_column() {
        let lines = render(&COLS, &rows(), false, None, true);
        let h = lines[0].replace("\x1b[1m", "").replace("\x1b[0m", "");
        let r = lines[1].replace("\x1b[32m", "").replace("\x1b[0m", "");
        // Columns in characters (✓ is one character, three bytes).
        let at = |line: &str, what: &str| line[..line.find(what).unwrap()].chars().count();
        assert_eq!(at(&h, "STATUS"), at(&r, "COMPLETED"));
        assert_eq!(at(&h, "TO"), at(&r, "agent://"));
    }

    #[test]
    fn a_narrow_terminal_drops_then_shortens() {
        let lines = render(&COLS, &rows(), false, Some(50), false);
        assert!(!lines[0].contains("TYPE"), "{lines:?}");
        assert!(lines.iter().all(|l| width(l) <= 50), "{lines:?}");
        assert!(lines[1].ends_with('…'), "{lines:?}");
        let all = render(&COLS, &rows(), false, None, false);
        assert!(all[0].contains("TYPE") && all[1].ends_with("echo"));
    }

    #[test]
    fn short_ids_stay_unique() {
        let ids = [
            "01a24bb3-76ba-70a9",
            "01a24bb3-b933-743f",
            "01a24bc3-0bca-7235",
        ];
        assert_eq!(short_len(&ids), 10);
        assert_eq!(short_len(&["abcdefghij"]), 8);
    }
}
