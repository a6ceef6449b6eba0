/**
 * A local CCN in a process of its own for `bench/feed.ts`: loads the messages of a JSON-lines
 * file, prints `url <url>`, serves until killed.
 */
import { readFileSync } from "node:fs";
import { startLocalCcn } from "../devchain/ccn/server.ts";

const file = process.argv[2];
if (!file) throw new Error("usage: feed-ccn.ts <messages.jsonl>");
const ccn = await startLocalCcn();
for (const line of readFileSync(file, "utf8").split("\n")) if (line) ccn.insert(JSON.parse(line));
console.log(`url ${ccn.url}`);
process.on("SIGTERM", () => {
	void ccn.stop().then(() => process.exit(0));
});
