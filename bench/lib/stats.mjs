/** Small statistics helpers. Percentiles are nearest-rank. */

const sorted = (values) => values.filter((v) => typeof v === 'number' && Number.isFinite(v)).sort((a, b) => a - b);

export function percentile(values, p) {
  const s = sorted(values);
  if (!s.length) return null;
  const rank = Math.ceil((p / 100) * s.length);
  return s[Math.min(s.length - 1, Math.max(0, rank - 1))];
}

export const median = (values) => {
  const s = sorted(values);
  if (!s.length) return null;
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

export const mean = (values) => {
  const s = sorted(values);
  return s.length ? s.reduce((a, b) => a + b, 0) / s.length : null;
};

export const round = (n, digits = 1) => (n === null || n === undefined || !Number.isFinite(n) ? n : Math.round(n * 10 ** digits) / 10 ** digits);

export const ratio = (a, b) => (a === null || b === null || !b ? null : a / b);
