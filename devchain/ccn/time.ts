/**
 * Times as pyaleph holds them: a Postgres `timestamptz` (integer microseconds), made from the
 * sender's float epoch seconds by Python's `datetime.fromtimestamp`, printed by `isoformat()`
 * (cursors) or by pydantic (`…Z`, per-message routes).
 */

/** Python's `_PyTime_Round(x, HALF_EVEN)`. */
function roundHalfEven(x: number): number {
	const rounded = Math.round(x);
	return Math.abs(x - rounded) === 0.5 ? 2 * Math.round(x / 2) : rounded;
}

/** Epoch seconds → integer microseconds, rounded exactly as `datetime.fromtimestamp(t)` does. */
export function toMicros(seconds: number): number {
	const whole = Math.trunc(seconds);
	let fraction = roundHalfEven((seconds - whole) * 1e6);
	let intPart = whole;
	if (fraction >= 1e6) {
		fraction -= 1e6;
		intPart += 1;
	} else if (fraction < 0) {
		fraction += 1e6;
		intPart -= 1;
	}
	return intPart * 1e6 + fraction;
}

/** Microseconds → the float `datetime.timestamp()` returns (an exact division, as in Python). */
export function toSeconds(micros: number): number {
	return micros / 1e6;
}

function parts(micros: number): { date: string; fraction: number } {
	const ms = Math.floor(micros / 1000);
	const fraction = micros - Math.floor(micros / 1e6) * 1e6;
	return { date: new Date(ms).toISOString().slice(0, 19), fraction };
}

/** Python `datetime.isoformat()` of a UTC datetime: `2026-05-06T09:43:53.717000+00:00`. */
export function isoformat(micros: number): string {
	const { date, fraction } = parts(micros);
	return `${date}${fraction ? `.${String(fraction).padStart(6, "0")}` : ""}+00:00`;
}

/** pydantic's JSON form of a UTC datetime: `2026-05-06T09:43:53.763412Z`. */
export function isoZ(micros: number): string {
	const { date, fraction } = parts(micros);
	return `${date}${fraction ? `.${String(fraction).padStart(6, "0")}` : ""}Z`;
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2})(?::?(\d{2})(?::?(\d{2})(?:[.,](\d+))?)?)?)?(Z|[+-]\d{2}(?::?\d{2}(?::?\d{2})?)?)?$/;

/**
 * Python 3.11 `datetime.fromisoformat` (the forms it accepts that matter here) → microseconds.
 * A naive time is taken as UTC, as Postgres does with pyaleph's UTC sessions.
 * @throws Error `Invalid isoformat string: '…'`
 */
export function parseIso(text: string): number {
	const match = ISO.exec(text);
	const invalid = () => new Error(`Invalid isoformat string: '${text}'`);
	if (!match) throw invalid();
	const [, y, mo, d, h = "0", mi = "0", s = "0", f = "", tz] = match;
	const fields = [y, mo, d, h, mi, s].map(Number) as [number, number, number, number, number, number];
	const [year, month, day, hour, minute, second] = fields;
	const ms = Date.UTC(year, month - 1, day, hour, minute, second);
	const check = new Date(ms);
	if (check.getUTCDate() !== day || check.getUTCMonth() !== month - 1 || hour > 23 || minute > 59 || second > 59) throw invalid();
	let offset = 0;
	if (tz && tz !== "Z") {
		const digits = tz.slice(1).replaceAll(":", "");
		offset = (Number(digits.slice(0, 2)) * 3600 + Number(digits.slice(2, 4) || 0) * 60 + Number(digits.slice(4, 6) || 0)) * 1e6;
		if (tz.startsWith("-")) offset = -offset;
	}
	return ms * 1000 + Number(f.slice(0, 6).padEnd(6, "0")) - offset;
}
