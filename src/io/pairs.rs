//! `tinct delta-e --input`: colour differences over a CSV of L*a*b* pairs.
//!
//! The input has a header with the columns `L1,a1,b1,L2,a2,b2` (in any order, names matched
//! without regard to case; sample 1 is the reference) and any further columns, which are carried
//! through unchanged. The output is the input with a `delta_e` column appended. Lines that
//! start with `#` (provenance comments) are skipped and not copied.
//!
//! Speed: a file without quote characters is processed as raw lines (each output line is the
//! input line, byte for byte, plus the new field), in chunks on all cores; a file with quoted
//! fields goes through a full CSV parser. Both give the same output for the same data.

use rayon::prelude::*;

use super::fmt_f64;
use crate::colorimetry::Lab;
use crate::difference::DeltaE;
use crate::error::InputError;

const COLUMNS: [&str; 6] = ["L1", "a1", "b1", "L2", "a2", "b2"];
const OUT_COLUMN: &str = "delta_e";

fn column_positions(header: &[&str]) -> Result<[usize; 6], InputError> {
    let mut pos = [0usize; 6];
    for (k, name) in COLUMNS.iter().enumerate() {
        let hits: Vec<usize> = header
            .iter()
            .enumerate()
            .filter(|(_, h)| h.trim().eq_ignore_ascii_case(name))
            .map(|(i, _)| i)
            .collect();
        match hits.as_slice() {
            [i] => pos[k] = *i,
            [] => {
                return Err(InputError::Invalid {
                    field: format!("column {name}"),
                    message: format!(
                        "missing (the header needs L1,a1,b1,L2,a2,b2; found {})",
                        header.join(",")
                    ),
                })
            }
            _ => {
                return Err(InputError::Invalid {
                    field: format!("column {name}"),
                    message: "appears more than once in the header".into(),
                })
            }
        }
    }
    if header
        .iter()
        .any(|h| h.trim().eq_ignore_ascii_case(OUT_COLUMN))
    {
        return Err(InputError::Invalid {
            field: format!("column {OUT_COLUMN}"),
            message: "already in the input; rename it or drop it first".into(),
        });
    }
    Ok(pos)
}

fn parse_value(field: &[u8], line: usize, column: &str) -> Result<f64, InputError> {
    let text = std::str::from_utf8(field).unwrap_or("").trim();
    let v: f64 = text.parse().map_err(|_| InputError::Malformed {
        field: format!("line {line}, column {column}"),
        value: String::from_utf8_lossy(field).into_owned(),
        expected: "a number".into(),
    })?;
    InputError::check_finite(|| format!("line {line}, column {column}"), v)
}

fn pair_of(fields: &[&[u8]], pos: &[usize; 6], line: usize) -> Result<(Lab, Lab), InputError> {
    let mut v = [0.0; 6];
    for k in 0..6 {
        let f = fields.get(pos[k]).ok_or_else(|| InputError::Invalid {
            field: format!("line {line}"),
            message: format!(
                "{} fields, but column {} is field {}",
                fields.len(),
                COLUMNS[k],
                pos[k] + 1
            ),
        })?;
        v[k] = parse_value(f, line, COLUMNS[k])?;
    }
    Ok((Lab::new(v[0], v[1], v[2]), Lab::new(v[3], v[4], v[5])))
}

fn checked(d: f64, line: usize) -> Result<f64, InputError> {
    if d.is_finite() {
        Ok(d)
    } else {
        Err(InputError::NotFinite {
            field: format!("line {line}, {OUT_COLUMN} (the L*a*b* values are too large)"),
            value: d,
        })
    }
}

/// Computes the `delta_e` column for a CSV of pairs and returns the whole output file.
/// Nothing is returned unless every row is good.
///
/// # Errors
/// The first bad row (by line number) or a header problem, naming line, column and value.
pub fn delta_e_csv(input: &[u8], method: DeltaE) -> Result<Vec<u8>, InputError> {
    let input = input.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(input); // UTF-8 BOM
    if memchr::memchr(b'"', input).is_some() {
        quoted(input, method)
    } else {
        raw(input, method)
    }
}

fn trim_cr(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// Where the header starts: after any leading `#` comment lines.
fn skip_leading_comments(input: &[u8]) -> &[u8] {
    let mut rest = input;
    while rest.first() == Some(&b'#') {
        rest = match memchr::memchr(b'\n', rest) {
            Some(i) => &rest[i + 1..],
            None => &[],
        };
    }
    rest
}

fn raw(input: &[u8], method: DeltaE) -> Result<Vec<u8>, InputError> {
    let skipped = input.len() - skip_leading_comments(input).len();
    let comment_lines = memchr::memchr_iter(b'\n', &input[..skipped]).count();
    let input = &input[skipped..];
    let header_end = memchr::memchr(b'\n', input).unwrap_or(input.len());
    let header_line = trim_cr(&input[..header_end]);
    let header_text = std::str::from_utf8(header_line).map_err(|_| InputError::Invalid {
        field: "header".into(),
        message: "not UTF-8 text".into(),
    })?;
    let header: Vec<&str> = header_text.split(',').collect();
    let pos = column_positions(&header)?;
    let body = input.get(header_end + 1..).unwrap_or(&[]);

    // Chunks of whole lines; each knows the line number it starts at.
    let target = (body.len() / (rayon::current_num_threads() * 8)).max(1 << 16);
    let mut chunks: Vec<(usize, &[u8])> = Vec::new();
    let (mut start, mut line_no) = (0usize, comment_lines + 2);
    while start < body.len() {
        let mut end = (start + target).min(body.len());
        if end < body.len() {
            end = match memchr::memchr(b'\n', &body[end..]) {
                Some(i) => end + i + 1,
                None => body.len(),
            };
        }
        let chunk = &body[start..end];
        chunks.push((line_no, chunk));
        line_no += memchr::memchr_iter(b'\n', chunk).count();
        start = end;
    }

    let outputs: Vec<Result<Vec<u8>, InputError>> = chunks
        .par_iter()
        .map(|&(first_line, chunk)| {
            let mut out = Vec::with_capacity(chunk.len() + chunk.len() / 3);
            let mut buf = ryu::Buffer::new();
            let mut fields: Vec<&[u8]> = Vec::with_capacity(header.len());
            for (i, line) in chunk.split(|&b| b == b'\n').enumerate() {
                let line = trim_cr(line);
                if line.is_empty() || line[0] == b'#' {
                    continue;
                }
                let n = first_line + i;
                fields.clear();
                fields.extend(line.split(|&b| b == b','));
                let (r, s) = pair_of(&fields, &pos, n)?;
                let d = checked(method.delta_e(r, s), n)?;
                out.extend_from_slice(line);
                out.push(b',');
                out.extend_from_slice(fmt_f64(d, &mut buf).as_bytes());
                out.push(b'\n');
            }
            Ok(out)
        })
        .collect();

    let mut out = Vec::with_capacity(input.len() + input.len() / 3);
    out.extend_from_slice(header_line);
    out.extend_from_slice(b",");
    out.extend_from_slice(OUT_COLUMN.as_bytes());
    out.push(b'\n');
    for o in outputs {
        out.extend_from_slice(&o?);
    }
    Ok(out)
}

fn quoted(input: &[u8], method: DeltaE) -> Result<Vec<u8>, InputError> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .comment(Some(b'#'))
        .from_reader(input);
    let csv_err = super::csv_error;
    let header = rdr.byte_headers().map_err(csv_err)?.clone();
    let names: Vec<String> = header
        .iter()
        .map(|h| String::from_utf8_lossy(h).into_owned())
        .collect();
    let pos = column_positions(&names.iter().map(String::as_str).collect::<Vec<_>>())?;
    let mut records = Vec::new();
    let mut lines = Vec::new();
    for rec in rdr.byte_records() {
        let rec = rec.map_err(csv_err)?;
        lines.push(rec.position().map_or(0, |p| p.line() as usize));
        records.push(rec);
    }
    let values: Vec<Result<f64, InputError>> = records
        .par_iter()
        .zip(lines.par_iter())
        .map(|(rec, &n)| {
            let fields: Vec<&[u8]> = rec.iter().collect();
            let (r, s) = pair_of(&fields, &pos, n)?;
            checked(method.delta_e(r, s), n)
        })
        .collect();
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .flexible(true)
        .from_writer(Vec::with_capacity(input.len() + input.len() / 3));
    let mut out_header = header.clone();
    out_header.push_field(OUT_COLUMN.as_bytes());
    let write_err = |e: csv::Error| InputError::Invalid {
        field: "output".into(),
        message: e.to_string(),
    };
    w.write_byte_record(&out_header).map_err(write_err)?;
    let mut buf = ryu::Buffer::new();
    for (rec, v) in records.iter().zip(values) {
        let mut rec = rec.clone();
        rec.push_field(fmt_f64(v?, &mut buf).as_bytes());
        w.write_byte_record(&rec).map_err(write_err)?;
    }
    w.into_inner().map_err(|e| InputError::Invalid {
        field: "output".into(),
        message: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHARMA_1: &str = "50.0000,2.6772,-79.7751,50.0000,0.0000,-82.7485";

    #[test]
    fn appends_delta_e_and_keeps_other_columns() {
        let input = format!("id,L1,a1,b1,L2,a2,b2,note\nx,{SHARMA_1},keep me\n");
        let out =
            String::from_utf8(delta_e_csv(input.as_bytes(), DeltaE::default()).unwrap()).unwrap();
        let mut lines = out.lines();
        assert_eq!(lines.next(), Some("id,L1,a1,b1,L2,a2,b2,note,delta_e"));
        let row = lines.next().unwrap();
        assert!(
            row.starts_with(&format!("x,{SHARMA_1},keep me,2.04245")),
            "{row}"
        );
    }

    #[test]
    fn comment_lines_are_skipped_and_line_numbers_stay_true() {
        let input =
            format!("# source: Sharma 2005\nL1,a1,b1,L2,a2,b2\n{SHARMA_1}\n# note\n1,2,x,4,5,6\n");
        let e = delta_e_csv(input.as_bytes(), DeltaE::default()).unwrap_err();
        assert!(e.to_string().starts_with("line 5, column b1"), "{e}");
        let quoted_in = format!("# \"quoted\"\nL1,a1,b1,L2,a2,b2\n{SHARMA_1}\n");
        let out =
            String::from_utf8(delta_e_csv(quoted_in.as_bytes(), DeltaE::Cie76).unwrap()).unwrap();
        assert!(out.starts_with("L1,a1,b1,L2,a2,b2,delta_e\n50"), "{out}");
    }

    #[test]
    fn quoted_and_raw_paths_agree() {
        let plain = format!("L1,a1,b1,L2,a2,b2,n\n{SHARMA_1},a b\r\n{SHARMA_1},c\n");
        let quoted_in = format!("L1,a1,b1,L2,a2,b2,n\n{SHARMA_1},\"a b\"\n{SHARMA_1},c\n");
        let a = delta_e_csv(plain.as_bytes(), DeltaE::Cie76).unwrap();
        let b = delta_e_csv(quoted_in.as_bytes(), DeltaE::Cie76).unwrap();
        assert_eq!(
            String::from_utf8(a).unwrap().replace('\r', ""),
            String::from_utf8(b).unwrap()
        );
    }

    #[test]
    fn errors_name_line_column_and_value() {
        let input = format!("L1,a1,b1,L2,a2,b2\n{SHARMA_1}\n50,1,2,50,nan,3\n");
        let e = delta_e_csv(input.as_bytes(), DeltaE::default()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "line 3, column a2: NaN is not a finite number"
        );
        let e = delta_e_csv(b"L1,a1,b1,L2,a2\n1,2,3,4,5\n", DeltaE::default()).unwrap_err();
        assert!(e.to_string().starts_with("column b2: missing"), "{e}");
        let e = delta_e_csv(b"L1,a1,b1,L2,a2,b2\n1,2,3,4,5,x\n", DeltaE::default()).unwrap_err();
        assert!(
            e.to_string()
                .contains("line 2, column b2: cannot read \"x\""),
            "{e}"
        );
    }
}
