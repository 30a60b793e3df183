//! Inline SVG charts for the HTML report: a line chart over time and a bar chart, both
//! plain markup (no script, no CDN), so the report is one file that renders anywhere.
//! `data-chart` names each chart and `class` marks its series and bars, for tests.

use super::escape;
use std::fmt::Write;

/// Line charts span the page; bar charts sit two to a row, so their text stays readable.
const W: f64 = 760.0;
const W_BAR: f64 = 520.0;
const H: f64 = 240.0;
const LEFT: f64 = 64.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 44.0;

pub struct Series<'a> {
    pub name: &'a str,
    pub color: &'a str,
    pub values: Vec<f64>,
}

/// A "nice" step (1, 2 or 5 times a power of ten) giving about `ticks` intervals up to `max`.
pub fn nice_step(max: f64, ticks: f64) -> f64 {
    if !(max.is_finite() && max > 0.0) {
        return 1.0;
    }
    let raw = max / ticks;
    let mag = 10f64.powf(raw.log10().floor());
    let f = raw / mag;
    let m = if f <= 1.0 {
        1.0
    } else if f <= 2.0 {
        2.0
    } else if f <= 5.0 {
        5.0
    } else {
        10.0
    };
    m * mag
}

pub fn fmt_num(v: f64) -> String {
    if v == 0.0 {
        "0".into()
    } else if v.abs() >= 1e6 {
        format!("{:.1}M", v / 1e6)
    } else if v.abs() >= 1e4 {
        format!("{:.0}k", v / 1e3)
    } else if v.abs() >= 100.0 || v.fract() == 0.0 {
        format!("{v:.0}")
    } else if v.abs() >= 1.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.3}").trim_end_matches('0').to_string()
    }
}

fn frame(out: &mut String, id: &str, title: &str, w: f64) {
    let _ = write!(
        out,
        r#"<figure class="chart"><figcaption>{}</figcaption><svg data-chart="{}" viewBox="0 0 {w} {H}" width="100%" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg">"#,
        escape(title),
        escape(id),
        escape(title)
    );
}

fn y_axis(out: &mut String, max: f64, unit: &str, w: f64) -> f64 {
    let step = nice_step(max, 4.0);
    let top = (max / step).ceil().max(1.0) * step;
    let plot_h = H - TOP - BOTTOM;
    let mut v = 0.0;
    while v <= top + step * 1e-9 {
        let y = TOP + plot_h * (1.0 - v / top);
        let _ = write!(
            out,
            r##"<line x1="{LEFT}" x2="{}" y1="{y:.1}" y2="{y:.1}" stroke="#e5e7eb"/><text x="{}" y="{:.1}" text-anchor="end" class="tick">{}</text>"##,
            w - RIGHT,
            LEFT - 6.0,
            y + 4.0,
            fmt_num(v)
        );
        v += step;
    }
    let _ = write!(
        out,
        r#"<text x="12" y="{:.1}" transform="rotate(-90 12 {:.1})" text-anchor="middle" class="unit">{}</text>"#,
        TOP + plot_h / 2.0,
        TOP + plot_h / 2.0,
        escape(unit)
    );
    top
}

/// Lines over `xs` (seconds since the start, up to `x_max`), one per series, sharing the y axis.
pub fn line_chart(id: &str, title: &str, unit: &str, xs: &[f64], x_max: f64, series: &[Series]) -> String {
    let mut out = String::new();
    frame(&mut out, id, title, W);
    let max_y = series.iter().flat_map(|s| s.values.iter().copied()).filter(|v| v.is_finite()).fold(0.0, f64::max);
    let top = y_axis(&mut out, max_y, unit, W);
    let max_x = xs.iter().copied().fold(x_max, f64::max).max(1.0);
    let plot_w = W - LEFT - RIGHT;
    let plot_h = H - TOP - BOTTOM;
    let x_of = |x: f64| LEFT + plot_w * (x / max_x);
    let step = nice_step(max_x, 6.0);
    let mut t = 0.0;
    while t <= max_x + step * 1e-9 {
        let _ = write!(
            out,
            r#"<text x="{:.1}" y="{}" text-anchor="middle" class="tick">{}s</text>"#,
            x_of(t),
            H - BOTTOM + 16.0,
            fmt_num(t)
        );
        t += step;
    }
    let _ = write!(out, r#"<text x="{:.1}" y="{}" text-anchor="middle" class="unit">seconds since start</text>"#, LEFT + plot_w / 2.0, H - 6.0);
    let _ = write!(out, r##"<line x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{}" stroke="#9ca3af"/>"##, H - BOTTOM);
    for (k, s) in series.iter().enumerate() {
        let mut d = String::new();
        for (i, (&x, &y)) in xs.iter().zip(&s.values).enumerate() {
            let y = if y.is_finite() { y } else { 0.0 };
            let py = TOP + plot_h * (1.0 - y / top);
            let _ = write!(d, "{}{:.1},{:.1}", if i == 0 { "M" } else { " L" }, x_of(x), py);
        }
        let _ = write!(
            out,
            r#"<path class="series" data-series="{}" data-points="{}" d="{}" fill="none" stroke="{}" stroke-width="3" stroke-linejoin="round"/>"#,
            escape(s.name),
            s.values.len(),
            d,
            s.color
        );
        // Legend, top right.
        let lx = W - RIGHT - 170.0;
        let ly = TOP + 12.0 + 16.0 * k as f64;
        let _ = write!(
            out,
            r#"<rect x="{lx}" y="{:.1}" width="14" height="4" fill="{}"/><text x="{}" y="{:.1}" class="legend">{}</text>"#,
            ly - 4.0,
            s.color,
            lx + 20.0,
            ly + 1.0,
            escape(s.name)
        );
    }
    out.push_str("</svg></figure>");
    out
}

/// One bar per label (the latency bins of one operation).
pub fn bar_chart(id: &str, title: &str, labels: &[String], counts: &[u64], color: &str) -> String {
    let mut out = String::new();
    frame(&mut out, id, title, W_BAR);
    let max = counts.iter().copied().max().unwrap_or(0) as f64;
    let top = y_axis(&mut out, max, "requests", W_BAR);
    let plot_w = W_BAR - LEFT - RIGHT;
    let plot_h = H - TOP - BOTTOM;
    let n = labels.len().max(1) as f64;
    let slot = plot_w / n;
    for (i, (label, &c)) in labels.iter().zip(counts).enumerate() {
        let x = LEFT + slot * i as f64;
        let h = plot_h * (c as f64 / top);
        if c > 0 {
            let _ = write!(
                out,
                r#"<rect class="bar" data-count="{c}" x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="{color}"><title>{}: {c}</title></rect>"#,
                x + 2.0,
                TOP + plot_h - h,
                (slot - 4.0).max(1.0),
                h.max(1.0),
                escape(label)
            );
        }
        let _ = write!(
            out,
            r#"<text x="{:.1}" y="{}" text-anchor="end" transform="rotate(-35 {:.1} {})" class="tick">{}</text>"#,
            x + slot / 2.0,
            H - BOTTOM + 12.0,
            x + slot / 2.0,
            H - BOTTOM + 12.0,
            escape(label)
        );
    }
    out.push_str("</svg></figure>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_nice() {
        assert_eq!(nice_step(100.0, 4.0), 50.0);
        assert_eq!(nice_step(7.0, 4.0), 2.0);
        assert_eq!(nice_step(0.0, 4.0), 1.0);
        assert_eq!(fmt_num(12_600.0), "13k");
        assert_eq!(fmt_num(0.25), "0.25");
    }

    #[test]
    fn charts_carry_their_series_and_bars() {
        let c = line_chart("t", "T <x>", "rps", &[1.0, 2.0], 2.0, &[Series { name: "rps", color: "#000", values: vec![3.0, 4.0] }]);
        assert!(c.contains(r#"data-chart="t""#) && c.contains(r#"data-points="2""#) && c.contains("T &lt;x&gt;"));
        let b = bar_chart("h", "H", &["a".into(), "b".into()], &[0, 5], "#111");
        assert_eq!(b.matches(r#"class="bar""#).count(), 1);
    }
}
