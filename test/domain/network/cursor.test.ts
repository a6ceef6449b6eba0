import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
	decodeCursor,
	decodeMessageCursor,
	encodeCursor,
	encodeMessageCursor,
	fromTimestampMicros,
	isoformat,
	MAX_DATETIME_MICROS,
	MIN_DATETIME_MICROS,
	microsToTimestamp,
	parseIsoformat,
} from "../../../src/domain/network/cursor.ts";

// [t, microseconds, isoformat] printed by CPython 3.11 from `datetime.fromtimestamp(t, timezone.utc)`.
const FROM_TIMESTAMP: [number, bigint, string][] = [
	[1778060633.717, 1778060633717000n, "2026-05-06T09:43:53.717000+00:00"],
	[1730410918.092607, 1730410918092607n, "2024-10-31T21:41:58.092607+00:00"],
	[1689163528.372, 1689163528372000n, "2023-07-12T12:05:28.372000+00:00"],
	[1651050219.3481126, 1651050219348113n, "2022-04-27T09:03:39.348113+00:00"],
	[1769990399.9999995, 1769990400000000n, "2026-02-02T00:00:00+00:00"],
	[1769990400.0000005, 1769990400000000n, "2026-02-02T00:00:00+00:00"],
	[5e-7, 0n, "1970-01-01T00:00:00+00:00"],
	// half to even: 1.5 µs → 2, 2.5 µs → 2
	[1.5e-6, 2n, "1970-01-01T00:00:00.000002+00:00"],
	[2.5e-6, 2n, "1970-01-01T00:00:00.000002+00:00"],
	[1.0000005, 1000001n, "1970-01-01T00:00:01.000001+00:00"],
	[1610379947.771, 1610379947771000n, "2021-01-11T15:45:47.771000+00:00"],
	[1730410918.0924816, 1730410918092482n, "2024-10-31T21:41:58.092482+00:00"],
	[1000000000.0000005, 1000000000000000n, "2001-09-09T01:46:40+00:00"],
	[123.4567895, 123456789n, "1970-01-01T00:02:03.456789+00:00"],
	[-5e-7, 0n, "1970-01-01T00:00:00+00:00"],
	[-1.5, -1500000n, "1969-12-31T23:59:58.500000+00:00"],
	[-1.5e-6, -2n, "1969-12-31T23:59:59.999998+00:00"],
	[253402300799.99997, 253402300799999969n, "9999-12-31T23:59:59.999969+00:00"],
	[1.9999999999999998, 2000000n, "1970-01-01T00:00:02+00:00"],
	[411917425.6386531, 411917425638653n, "1983-01-20T13:30:25.638653+00:00"],
	[1360799946.363572, 1360799946363572n, "2013-02-13T23:59:06.363572+00:00"],
	[855184611.3388058, 855184611338806n, "1997-02-05T23:16:51.338806+00:00"],
	[628294340.7535831, 628294340753583n, "1989-11-28T22:12:20.753583+00:00"],
	[1171123727.0152774, 1171123727015277n, "2007-02-10T16:08:47.015277+00:00"],
	[906368752.7415507, 906368752741551n, "1998-09-21T09:05:52.741551+00:00"],
	[599533993.7273647, 599533993727365n, "1988-12-31T01:13:13.727365+00:00"],
	[1588758963.0449824, 1588758963044982n, "2020-05-06T09:56:03.044982+00:00"],
	[1397988867.4591424, 1397988867459142n, "2014-04-20T10:14:27.459142+00:00"],
	[488193021.4443058, 488193021444306n, "1985-06-21T09:10:21.444306+00:00"],
	[1148847420.517342, 1148847420517342n, "2006-05-28T20:17:00.517342+00:00"],
	[1050393007.6229029, 1050393007622903n, "2003-04-15T07:50:07.622903+00:00"],
	[1750274991.1468577, 1750274991146858n, "2025-06-18T19:29:51.146858+00:00"],
	[1458890578.8784351, 1458890578878435n, "2016-03-25T07:22:58.878435+00:00"],
	[575875529.7803731, 575875529780373n, "1988-04-01T05:25:29.780373+00:00"],
];

describe("fromTimestampMicros() and isoformat()", () => {
	it.each(FROM_TIMESTAMP)("fromtimestamp(%s)", (t, micros, iso) => {
		expect(fromTimestampMicros(t)).toBe(micros);
		expect(isoformat(micros)).toBe(iso);
		expect(parseIsoformat(iso)).toBe(micros);
	});

	it("maps datetime.timestamp() back to the same microseconds", () => {
		fc.assert(
			fc.property(fc.bigInt(0n, 4_102_444_800_000_000n), (micros) => {
				expect(fromTimestampMicros(microsToTimestamp(micros))).toBe(micros);
			}),
		);
	});

	it("formats the ends of Python's datetime range and refuses beyond", () => {
		expect(isoformat(MIN_DATETIME_MICROS)).toBe("0001-01-01T00:00:00+00:00");
		expect(isoformat(MAX_DATETIME_MICROS)).toBe("9999-12-31T23:59:59.999999+00:00");
		expect(() => isoformat(MAX_DATETIME_MICROS + 1n)).toThrow(RangeError);
	});

	it("refuses a timestamp that is not finite", () => {
		expect(() => fromTimestampMicros(Number.NaN)).toThrow(RangeError);
	});
});

describe("parseIsoformat()", () => {
	it.each([
		["2026-05-06T09:43:53.717Z", 1778060633717000n],
		["2026-05-06T11:43:53.717000+02:00", 1778060633717000n],
		["2026-05-06T04:43:53-05:00", 1778060633000000n],
	])("%s", (text, micros) => {
		expect(parseIsoformat(text)).toBe(micros);
	});

	it.each([["2026-05-06T09:43:53"], ["2026-02-30T00:00:00+00:00"], ["2026-05-06T24:00:00Z"], ["2026-05-06 09:43:53Z"], ["x"]])(
		"refuses %s",
		(text) => {
			expect(parseIsoformat(text)).toBeNull();
		},
	);
});

describe("message cursors", () => {
	const hash = "c1cfc9bf519de2bbe19749a3996bd6119f940fa91e9a30f317cce8939bb6b21a";
	// Spec aleph-network §8.1, computed with pyaleph's toolkit/cursor.py.
	const vector =
		"eyJoIjoiYzFjZmM5YmY1MTlkZTJiYmUxOTc0OWEzOTk2YmQ2MTE5Zjk0MGZhOTFlOWEzMGYzMTdjY2U4OTM5YmI2YjIxYSIsInQiOiIyMDI2LTA1LTA2VDA5OjQzOjUzLjcxNzAwMCswMDowMCJ9";

	it("encodes the spec's vector", () => {
		expect(encodeMessageCursor({ h: hash, t: fromTimestampMicros(1778060633.717) })).toBe(vector);
	});

	it("decodes the spec's vector", () => {
		expect(decodeMessageCursor(vector)).toEqual({ h: hash, t: 1778060633717000n });
		expect(decodeCursor(vector)).toEqual({ h: hash, t: "2026-05-06T09:43:53.717000+00:00" });
	});

	it("omits the fraction when the microseconds are 0", () => {
		const cursor = encodeMessageCursor({ h: hash, t: 1772323200000000n });
		expect(Buffer.from(cursor, "base64url").toString()).toBe(`{"h":"${hash}","t":"2026-03-01T00:00:00+00:00"}`);
	});

	it("sorts keys and escapes as Python's json.dumps does", () => {
		const cursor = encodeCursor({ s: "message_timestamp", r: "é\u007f", i: 3n, o: -1n, v: null });
		expect(Buffer.from(cursor, "base64url").toString()).toBe('{"i":3,"o":-1,"r":"\\u00e9\\u007f","s":"message_timestamp","v":null}');
		expect(cursor).not.toContain("=");
	});

	it("round-trips any hash and time", () => {
		fc.assert(
			fc.property(fc.string(), fc.bigInt(MIN_DATETIME_MICROS, MAX_DATETIME_MICROS), (h, t) => {
				expect(decodeMessageCursor(encodeMessageCursor({ h, t }))).toEqual({ h, t });
			}),
		);
	});

	it.each([[""], ["!!!!"], ["a"], [Buffer.from("[1]").toString("base64url")], [Buffer.from('{"h":1,"t":"x"}').toString("base64url")]])(
		"refuses %j",
		(cursor) => {
			expect(decodeMessageCursor(cursor)).toBeNull();
		},
	);
});
