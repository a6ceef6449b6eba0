/**
 * Formats a path (as produced by zod issues) the way the API reports fields:
 * `["content", "volumes", 0, "size_mib"]` → `content.volumes[0].size_mib`.
 */
export function formatFieldPath(path: readonly PropertyKey[]): string {
	let out = "";
	for (const key of path) {
		if (typeof key === "number") out += `[${key}]`;
		else {
			const name = String(key);
			out += out === "" ? name : `.${name}`;
		}
	}
	return out;
}
