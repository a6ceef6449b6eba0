import { defineConfig } from "vitest/config";

/**
 * Tests that need no service (no Postgres, Redis, anvil or child process): pure functions, tiny
 * Hono apps, PGlite in memory. `npm run test:unit` runs them alone; every other test file is in
 * the integration project. A new test file is integration until it is listed here.
 */
const UNIT = [
	"test/architecture.test.ts",
	"test/api/batch.test.ts",
	"test/api/database-unavailable.test.ts",
	"test/api/middleware.test.ts",
	"test/config/**/*.test.ts",
	"test/db/unnest.test.ts",
	"test/domain/**/*.test.ts",
	"test/feed/progress.test.ts",
	"test/indexer/block-ranges.test.ts",
	"test/indexer/events.test.ts",
	"test/jobs/**/*.test.ts",
	"test/pricing/**/*.test.ts",
	"test/queue/local-queue.test.ts",
	"test/queue/outbox-drainer.test.ts",
];

export default defineConfig({
	test: {
		pool: "forks",
		maxWorkers: 2,
		testTimeout: 120_000,
		hookTimeout: 120_000,
		reporters: ["default"],
		projects: [
			// Unit files hold no global state, so they share worker processes: starting a process per
			// file was most of their time.
			{ extends: true, test: { name: "unit", include: UNIT, isolate: false } },
			{ extends: true, test: { name: "integration", include: ["test/**/*.test.ts"], exclude: UNIT } },
		],
	},
});
