/** The subset of an OpenAPI 3.0 document the page reads. */
type Schema = Record<string, unknown>;
type Operation = {
	summary?: string;
	description?: string;
	tags?: string[];
	security?: unknown[];
	parameters?: { name: string; in: string; required?: boolean; description?: string; schema?: Schema }[];
	requestBody?: { description?: string; content?: Record<string, { schema?: Schema }> };
	responses?: Record<string, { description?: string; content?: Record<string, { schema?: Schema }> }>;
};
export type OpenApiDocument = {
	info: { title: string; version: string; description?: string };
	paths: Record<string, Record<string, Operation>>;
	components?: { schemas?: Record<string, Schema> };
};

const esc = (text: string) => text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

function schemaHtml(schema: Schema | undefined): string {
	if (!schema) return "";
	const ref = typeof schema.$ref === "string" ? schema.$ref.split("/").at(-1) : undefined;
	if (ref) return `<a href="#schema-${esc(ref)}">${esc(ref)}</a>`;
	return `<pre>${esc(JSON.stringify(schema, null, 2))}</pre>`;
}

function contentHtml(content: Record<string, { schema?: Schema }> | undefined): string {
	return Object.entries(content ?? {})
		.map(([type, media]) => `<div><code>${esc(type)}</code> ${schemaHtml(media.schema)}</div>`)
		.join("");
}

function operationHtml(path: string, method: string, op: Operation): string {
	const params = (op.parameters ?? [])
		.map(
			(p) =>
				`<tr><td><code>${esc(p.name)}</code></td><td>${esc(p.in)}</td><td>${p.required ? "yes" : "no"}</td><td>${schemaHtml(p.schema)}</td><td>${esc(p.description ?? "")}</td></tr>`,
		)
		.join("");
	const responses = Object.entries(op.responses ?? {})
		.map(([status, r]) => `<tr><td><b>${esc(status)}</b></td><td>${esc(r.description ?? "")}</td><td>${contentHtml(r.content)}</td></tr>`)
		.join("");
	return `<section class="op" id="${esc(`${method}-${path}`)}">
<h3><span class="m ${esc(method)}">${esc(method.toUpperCase())}</span> <code>${esc(path)}</code>${op.security?.length ? ' <span class="key">API key</span>' : ""}</h3>
<p>${esc(op.summary ?? "")}</p>${op.description ? `<p class="d">${esc(op.description)}</p>` : ""}
${params ? `<h4>Parameters</h4><table><tr><th>name</th><th>in</th><th>required</th><th>schema</th><th>description</th></tr>${params}</table>` : ""}
${op.requestBody ? `<h4>Request body</h4><p>${esc(op.requestBody.description ?? "")}</p>${contentHtml(op.requestBody.content)}` : ""}
<h4>Responses</h4><table><tr><th>status</th><th>description</th><th>body</th></tr>${responses}</table></section>`;
}

/**
 * A self-contained HTML page (no script, no CDN: it works offline) listing every path, method,
 * parameter, body and response of the document, and every component schema.
 */
export function renderDocsPage(doc: OpenApiDocument): string {
	const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
		Object.entries(methods).map(([method, op]) => ({ path, method, op })),
	);
	const index = operations
		.map(
			({ path, method, op }) =>
				`<li><a href="#${esc(`${method}-${path}`)}"><b>${esc(method.toUpperCase())}</b> ${esc(path)}</a> — ${esc(op.summary ?? "")}</li>`,
		)
		.join("");
	const schemas = Object.entries(doc.components?.schemas ?? {})
		.map(
			([name, schema]) =>
				`<section id="schema-${esc(name)}"><h3>${esc(name)}</h3><pre>${esc(JSON.stringify(schema, null, 2))}</pre></section>`,
		)
		.join("");
	return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(doc.info.title)} ${esc(doc.info.version)}</title>
<style>body{font:14px/1.5 system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}code,pre{font:12px ui-monospace,monospace}
pre{background:#f6f6f6;padding:.6em;overflow:auto;max-height:28em}table{border-collapse:collapse;width:100%}td,th{border:1px solid #ddd;padding:.3em .5em;text-align:left;vertical-align:top}
.op{border-top:2px solid #eee;margin-top:1.5em}.m{color:#fff;border-radius:3px;padding:0 .4em}.get{background:#2b7}.post{background:#27c}.put{background:#c82}.delete{background:#c33}
.key{font-size:12px;background:#fd4;padding:0 .4em;border-radius:3px}.d{color:#555}</style></head>
<body><h1>${esc(doc.info.title)} <small>${esc(doc.info.version)}</small></h1><p>${esc(doc.info.description ?? "")}</p>
<p>Machine-readable: <a href="/openapi.json">/openapi.json</a>.</p><h2>Routes</h2><ul>${index}</ul>
${operations.map(({ path, method, op }) => operationHtml(path, method, op)).join("\n")}<h2>Schemas</h2>${schemas}</body></html>`;
}
