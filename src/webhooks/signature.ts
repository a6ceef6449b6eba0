import { createHmac, timingSafeEqual } from "node:crypto";

/** The value of `X-Aleph-Oracle-Signature`: `sha256=<hex HMAC-SHA256 of the raw body with the secret>`. */
export function signBody(secret: string, body: string): string {
	return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

/** Checks a signature header in constant time (what a receiver does). */
export function verifySignature(secret: string, body: string, header: string | undefined | null): boolean {
	if (!header) return false;
	const expected = Buffer.from(signBody(secret, body));
	const given = Buffer.from(header);
	return given.length === expected.length && timingSafeEqual(given, expected);
}
