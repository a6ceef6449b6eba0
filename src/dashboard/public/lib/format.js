// Exact formatting of the API's amounts (BigInt and strings, never floats) and of times.

const WEI_PER_ALEPH = 10n ** 18n;

/** Exact ALEPH decimal of a wei amount, without trailing zeros (as the API writes `aleph`). */
export function formatWei(wei) {
	const value = BigInt(wei);
	const negative = value < 0n;
	const abs = negative ? -value : value;
	const fraction = (abs % WEI_PER_ALEPH).toString().padStart(18, "0").replace(/0+$/, "");
	return `${negative ? "-" : ""}${abs / WEI_PER_ALEPH}${fraction ? `.${fraction}` : ""}`;
}

/** ALEPH per hour, exact, of a rate in wei per second. */
export function perHour(weiPerSecond) {
	return formatWei(BigInt(weiPerSecond) * 3600n);
}

/** Thousands separators in the integer part of an exact decimal string: "-1234567.5" → "-1,234,567.5". */
export function groupDigits(decimal) {
	const text = String(decimal);
	const match = /^(-?)(\d+)(\.\d+)?$/.exec(text);
	if (!match) return text;
	const [, sign, whole, fraction = ""] = match;
	return `${sign}${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",")}${fraction}`;
}

/** `part / total` as an exact percentage with two decimals ("80.00 %"); "—" when the total is 0. */
export function percent(part, total) {
	const t = BigInt(total);
	if (t === 0n) return "—";
	const basisPoints = (BigInt(part) * 10000n + t / 2n) / t;
	return `${basisPoints / 100n}.${(basisPoints % 100n).toString().padStart(2, "0")} %`;
}

/** `0x1234…abcd`. */
export function shortAddress(address) {
	return address.length > 14 ? `${address.slice(0, 6)}…${address.slice(-4)}` : address;
}

/** A duration in the two largest units: "3d 04h", "2h 05m", "4m 07s", "12s". */
export function duration(totalSeconds) {
	let s = Math.max(0, Math.floor(totalSeconds));
	const days = Math.floor(s / 86400);
	s -= days * 86400;
	const hours = Math.floor(s / 3600);
	s -= hours * 3600;
	const minutes = Math.floor(s / 60);
	s -= minutes * 60;
	const pad = (n) => String(n).padStart(2, "0");
	if (days > 0) return `${days}d ${pad(hours)}h`;
	if (hours > 0) return `${hours}h ${pad(minutes)}m`;
	if (minutes > 0) return `${minutes}m ${pad(s)}s`;
	return `${s}s`;
}

/** "in 2h 05m" / "4m 07s ago", from a unix-milliseconds instant to now. */
export function relative(atMs, nowMs = Date.now()) {
	const seconds = (atMs - nowMs) / 1000;
	return seconds >= 0 ? `in ${duration(seconds)}` : `${duration(-seconds)} ago`;
}

/** An ISO instant as "2026-12-01 14:03:07 UTC" (unambiguous for every reader). */
export function dateTime(iso) {
	return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}

/** An integer (number, bigint or decimal string) with thousands separators. */
export function integer(value) {
	return groupDigits(String(value));
}

/** Label of a power of ten of a unit: 3 → "1k", -2 → "0.01", 7 → "10M". */
export function powerOfTen(decade) {
	if (decade < 0) return `0.${"0".repeat(-decade - 1)}1`;
	const units = ["", "k", "M", "B", "T"];
	const unit = Math.min(Math.floor(decade / 3), units.length - 1);
	return `1${"0".repeat(decade - unit * 3)}${units[unit]}`;
}
