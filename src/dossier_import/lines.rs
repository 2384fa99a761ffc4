//! Line numbers for messages, from byte offsets into the file.

/// Turns byte offsets, met in increasing order, into 1-based line numbers.
///
/// csv's own `Position::line` cannot be used: it is one short after a CRLF line end or a
/// skipped blank line, and ignores CR-only line ends. Its byte offset is reliable but may point
/// at the line break before the record, so line breaks there are skipped first.
pub(super) struct LineCounter<'a> {
    text: &'a [u8],
    counted_to: usize,
    line: usize,
}

impl<'a> LineCounter<'a> {
    pub(super) fn new(text: &'a str) -> Self {
        LineCounter {
            text: text.as_bytes(),
            counted_to: 0,
            line: 1,
        }
    }

    /// The line on which the first non-line-break byte at or after `byte` sits.
    pub(super) fn line_at(&mut self, byte: usize) -> usize {
        let mut start = byte.clamp(self.counted_to, self.text.len());
        while matches!(self.text.get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        for i in self.counted_to..start {
            // CRLF counts once, at its LF; a lone CR is a line end of its own.
            let lone_cr = self.text[i] == b'\r' && self.text.get(i + 1) != Some(&b'\n');
            if self.text[i] == b'\n' || lone_cr {
                self.line += 1;
            }
        }
        self.counted_to = start;
        self.line
    }

    /// The line where a CSV record starts.
    pub(super) fn record_line(&mut self, record: &csv::StringRecord) -> usize {
        // csv sets the position on every record it reads.
        let byte = record
            .position()
            .map_or(self.counted_to, |p| p.byte() as usize);
        self.line_at(byte)
    }
}
