import { lookup as systemLookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";

/** Every address of a host name, as `dns.lookup(name, { all: true })` answers. */
export type Lookup = (hostname: string) => Promise<{ address: string; family: number }[]>;

/** An address a delivery connects to, once checked. */
export type Destination = { address: string; family: 4 | 6 };

/** IPv4 ranges that are not globally reachable (IANA special-purpose registry): loopback, private, link-local, CGNAT, multicast, reserved… */
const NON_PUBLIC_V4: [string, number][] = [
	["0.0.0.0", 8],
	["10.0.0.0", 8],
	["100.64.0.0", 10],
	["127.0.0.0", 8],
	["169.254.0.0", 16],
	["172.16.0.0", 12],
	["192.0.0.0", 24],
	["192.0.2.0", 24],
	["192.88.99.0", 24],
	["192.168.0.0", 16],
	["198.18.0.0", 15],
	["198.51.100.0", 24],
	["203.0.113.0", 24],
	["224.0.0.0", 4],
	["240.0.0.0", 4],
];

/**
 * IPv6 is allowed only in global unicast (2000::/3), which leaves out loopback, unspecified,
 * v4-mapped (::ffff:0:0/96), NAT64, unique-local, link-local and multicast at once; inside it,
 * the protocol-assignment, documentation and 6to4 (embeds an IPv4) blocks are refused too.
 */
const NON_PUBLIC_V6_IN_GLOBAL: [string, number][] = [
	["2001::", 23],
	["2001:db8::", 32],
	["2002::", 16],
	["3fff::", 20],
];

const nonPublic = new BlockList();
for (const [network, prefix] of NON_PUBLIC_V4) nonPublic.addSubnet(network, prefix, "ipv4");
for (const [network, prefix] of NON_PUBLIC_V6_IN_GLOBAL) nonPublic.addSubnet(network, prefix, "ipv6");
const globalUnicast = new BlockList();
globalUnicast.addSubnet("2000::", 3, "ipv6");

/** True for an IP address a webhook may reach by default: globally routable unicast. */
export function isPublicAddress(address: string): boolean {
	switch (isIP(address)) {
		case 4:
			return !nonPublic.check(address, "ipv4");
		case 6:
			return globalUnicast.check(address, "ipv6") && !nonPublic.check(address, "ipv6");
		default:
			return false;
	}
}

/** Why a URL's host is refused without resolving it (an IP literal or a loopback name), or null. */
function refusedHost(hostname: string): string | null {
	const host = hostname.startsWith("[") ? hostname.slice(1, -1) : hostname;
	if (isIP(host) !== 0) return isPublicAddress(host) ? null : `${host} is a non-public address`;
	// RFC 6761: localhost and every name under it are loopback, whatever a resolver says.
	const name = host.endsWith(".") ? host.slice(0, -1) : host;
	return name === "localhost" || name.endsWith(".localhost") ? `${host} is a loopback name (a non-public address)` : null;
}

function hasControlCharacter(text: string): boolean {
	for (let i = 0; i < text.length; i++) {
		const code = text.charCodeAt(i);
		if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return true;
	}
	return false;
}

export type WebhookUrlCheck = { ok: true; url: string } | { ok: false; message: string };

/**
 * Checks a webhook URL as typed and normalises it (`new URL(x).href`, no fragment). Refused:
 * control characters (the URL parser would silently drop some of them), schemes other than
 * http(s), credentials, and — unless `allowPrivate` — a host that is a non-public IP literal in any
 * spelling the URL parser understands (`2130706433`, `0x7f.1`, `[::ffff:127.0.0.1]`, …) or a
 * loopback name. Other names are checked when they are resolved, at every delivery.
 */
export function checkWebhookUrl(raw: string, allowPrivate: boolean): WebhookUrlCheck {
	if (hasControlCharacter(raw)) return { ok: false, message: "must not contain control characters" };
	let url: URL;
	try {
		url = new URL(raw);
	} catch {
		return { ok: false, message: "must be an http(s) URL" };
	}
	if (url.protocol !== "http:" && url.protocol !== "https:") return { ok: false, message: "must be an http(s) URL" };
	if (url.username !== "" || url.password !== "") return { ok: false, message: "must not hold credentials" };
	if (url.hostname === "") return { ok: false, message: "must name a host" };
	const refusal = allowPrivate ? null : refusedHost(url.hostname);
	if (refusal) return { ok: false, message: `must reach a public address: ${refusal} (WEBHOOK_ALLOW_PRIVATE=1 allows it)` };
	url.hash = "";
	return { ok: true, url: url.href };
}

/** A destination the policy refuses: retrying cannot help. */
export class RefusedDestinationError extends Error {
	override name = "RefusedDestinationError";
}

/**
 * The address one delivery connects to: the URL's IP literal, or the first address of its host
 * name once every address was checked (a name with one non-public address is refused: which one
 * a client picks is not ours to choose). The caller connects to exactly this address, so a
 * second resolution (a DNS rebind) cannot move the connection elsewhere.
 */
export async function resolveDestination(url: URL, options: { allowPrivate: boolean; lookup?: Lookup }): Promise<Destination> {
	const host = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
	const refusal = options.allowPrivate ? null : refusedHost(url.hostname);
	if (refusal) throw new RefusedDestinationError(refusal);
	const family = isIP(host);
	if (family === 4 || family === 6) return { address: host, family };
	const lookup = options.lookup ?? ((name: string) => systemLookup(name, { all: true, verbatim: true }));
	const addresses = await lookup(host);
	const refused = options.allowPrivate ? undefined : addresses.find((a) => !isPublicAddress(a.address));
	if (refused) throw new RefusedDestinationError(`${host} resolves to a non-public address (${refused.address})`);
	const first = addresses[0];
	if (!first) throw new Error(`${host} has no address`);
	return { address: first.address, family: first.family === 6 ? 6 : 4 };
}
