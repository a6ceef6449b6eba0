/**
 * A local CCN in a process of its own for `bench/feed.ts` and `bench/resources.ts`: loads the
 * messages of a JSON-lines file (a line `{"file": hash, "size": n}` stores a file known by its
 * size), prints `url <url>`, serves until killed.
 */
import { readFileSync } from "node:fs";
import { startLocalCcn } from "../devchain/ccn/server.ts";

const file = process.argv[2];
if (!file) throw new Error("usage: feed-ccn.ts <messages.jsonl>");
const ccn = await startLocalCcn();
for (const line of readFileSync(file, "utf8").split("\n")) {
	if (!line) continue;
	const value = JSON.parse(line);
	if (typeof value.file === "string") ccn.addFile(null, { hash: value.file, size: value.size });
	else ccn.insert(value);
}
console.log(`url ${ccn.url}`);
process.on("SIGTERM", () => {
	void ccn.stop().then(() => process.exit(0));
});
