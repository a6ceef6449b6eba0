import { createHash } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Abi, Hex } from "viem";

const require = createRequire(import.meta.url);

/** ABI and bytecode of one compiled contract. */
export interface CompiledContract {
	contractName: string;
	abi: Abi;
	/** Creation bytecode (constructor arguments not included). */
	bytecode: Hex;
	/** Runtime bytecode, as `eth_getCode` returns it after deployment. */
	deployedBytecode: Hex;
}

/** A {@link CompiledContract} plus where it came from. */
export interface CompileResult extends CompiledContract {
	/** `true` when read from the on-disk cache instead of running solc. */
	fromCache: boolean;
	/** Wall time of this call, in milliseconds. */
	durationMs: number;
}

/** Options of {@link compileContract}. */
export interface CompileOptions {
	/** Cache directory (default `node_modules/.cache/aleph-oracle`). */
	cacheDir?: string;
	/** Read the cache (default true). The result is written to the cache either way. */
	useCache?: boolean;
}

/** solc standard-JSON settings used for every contract of `devchain/contracts`. */
export const SOLC_SETTINGS = {
	optimizer: { enabled: true, runs: 200 },
	evmVersion: "cancun",
	outputSelection: {
		"*": { "*": ["abi", "evm.bytecode.object", "evm.deployedBytecode.object"] },
	},
} as const;

/** Absolute path of `devchain/contracts/<name>.sol`. */
export function contractSourcePath(name: string): string {
	if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`invalid contract name: ${name}`);
	return fileURLToPath(new URL(`./contracts/${name}.sol`, import.meta.url));
}

/** Version of the installed solcjs package, e.g. `0.8.37` (read without loading the compiler). */
export function solcVersion(): string {
	return (require("solc/package.json") as { version: string }).version;
}

/** `node_modules/.cache/aleph-oracle` of the node_modules that holds solc. */
export function defaultCacheDir(): string {
	return join(dirname(require.resolve("solc/package.json")), "..", ".cache", "aleph-oracle");
}

/**
 * Compiles `devchain/contracts/<name>.sol` (contract `<name>`, no imports) with solcjs,
 * optimizer on, EVM cancun. The output is cached on disk, keyed by a sha256 of the source,
 * the solc version and the settings, so only the first run pays the ~1 s compile.
 */
export async function compileContract(name: string, options: CompileOptions = {}): Promise<CompileResult> {
	const started = performance.now();
	const source = await readFile(contractSourcePath(name), "utf8");
	const key = createHash("sha256")
		.update(
			JSON.stringify({
				name,
				source,
				solc: solcVersion(),
				settings: SOLC_SETTINGS,
			}),
		)
		.digest("hex")
		.slice(0, 24);
	const cacheDir = options.cacheDir ?? defaultCacheDir();
	const cacheFile = join(cacheDir, `${name}-${key}.json`);
	if (options.useCache !== false) {
		const cached = await readCache(cacheFile);
		if (cached)
			return {
				...cached,
				fromCache: true,
				durationMs: performance.now() - started,
			};
	}
	const compiled = runSolc(name, source);
	await mkdir(cacheDir, { recursive: true });
	// write-then-rename: concurrent test workers never read a half-written file
	const tmp = `${cacheFile}.${process.pid}.tmp`;
	await writeFile(tmp, JSON.stringify(compiled));
	await rename(tmp, cacheFile);
	return {
		...compiled,
		fromCache: false,
		durationMs: performance.now() - started,
	};
}

async function readCache(file: string): Promise<CompiledContract | undefined> {
	try {
		const parsed = JSON.parse(await readFile(file, "utf8")) as Partial<CompiledContract>;
		if (Array.isArray(parsed.abi) && typeof parsed.bytecode === "string" && parsed.bytecode.length > 2) {
			return parsed as CompiledContract;
		}
	} catch {
		// missing or corrupt: recompile
	}
	return undefined;
}

interface SolcOutput {
	errors?: { severity: string; formattedMessage: string }[];
	contracts?: Record<
		string,
		Record<
			string,
			{
				abi: Abi;
				evm: {
					bytecode: { object: string };
					deployedBytecode: { object: string };
				};
			}
		>
	>;
}

function runSolc(name: string, source: string): CompiledContract {
	const solc = require("solc") as { compile(input: string): string };
	const file = `${name}.sol`;
	const input = {
		language: "Solidity",
		sources: { [file]: { content: source } },
		settings: SOLC_SETTINGS,
	};
	const output = JSON.parse(solc.compile(JSON.stringify(input))) as SolcOutput;
	const errors = (output.errors ?? []).filter((e) => e.severity === "error");
	if (errors.length > 0) {
		throw new Error(`solc failed for ${file}:\n${errors.map((e) => e.formattedMessage).join("\n")}`);
	}
	const contract = output.contracts?.[file]?.[name];
	if (!contract) throw new Error(`solc produced no contract ${name} in ${file}`);
	return {
		contractName: name,
		abi: contract.abi,
		bytecode: `0x${contract.evm.bytecode.object}`,
		deployedBytecode: `0x${contract.evm.deployedBytecode.object}`,
	};
}
