// Charts with uPlot (canvas; ~50 kB minified), loaded on the first chart of a page only.
// Values are plotted as floats; every figure a reader is given as text stays the API's exact string.

import { h } from "./dom.js";

/** Series colours: at least 3:1 against the white card (WCAG non-text contrast). */
export const COLORS = ["#2f6fdb", "#c2570a", "#2e7d3e", "#7b4bb7", "#b42318", "#0f766e"];
const INK = "#1b2130";
const GRID = "#e3e7ef";
const FONT = "12px system-ui, sans-serif";

let library;

/** uPlot's global, once its script and stylesheet (served by the oracle) have loaded. */
function loadUplot() {
	library ??= new Promise((resolve, reject) => {
		document.head.append(h("link", { rel: "stylesheet", href: "/dashboard/assets/vendor/uplot.css" }));
		const script = h("script", { src: "/dashboard/assets/vendor/uplot.js" });
		script.addEventListener("load", () => resolve(window.uPlot));
		script.addEventListener("error", () => reject(new Error("The chart library did not load.")));
		document.head.append(script);
	});
	return library;
}

/** Short axis figures: 1234567 → "1.2M". */
function compact(value) {
	const abs = Math.abs(value);
	for (const [size, unit] of [
		[1e12, "T"],
		[1e9, "B"],
		[1e6, "M"],
		[1e3, "k"],
	]) {
		if (abs >= size) return `${+(value / size).toPrecision(3)}${unit}`;
	}
	return abs > 0 && abs < 0.01 ? value.toExponential(0) : String(+value.toPrecision(3));
}

/**
 * A chart in `container`, sized to its width and resized with it. `describe(data)` gives the text
 * alternative (the container's accessible name). Returns `update(data)`, which redraws.
 */
async function mountChart(container, { height = 220, options, toUplot, describe, colors, x }) {
	const uPlot = await loadUplot();
	container.classList.add("chart");
	container.setAttribute("role", "img");
	container.dataset.colors = colors.join(",");
	let chart = null;
	let shape = "";
	const width = () => Math.max(240, container.clientWidth);
	const render = (data) => {
		const { series, aligned } = toUplot(data);
		container.setAttribute("aria-label", describe(data));
		const nextShape = JSON.stringify(series.map((s) => s.label));
		if (chart && nextShape === shape) {
			chart.setData(aligned);
			return;
		}
		chart?.destroy();
		shape = nextShape;
		chart = new uPlot({ ...options(uPlot, data), width: width(), height, series: [x(data), ...series] }, aligned, container);
	};
	new ResizeObserver(() => chart?.setSize({ width: width(), height })).observe(container);
	return { update: render };
}

function axis(extra = {}) {
	return { stroke: INK, font: FONT, grid: { stroke: GRID, width: 1 }, ticks: { stroke: GRID, width: 1 }, ...extra };
}

/** Steps of a count axis: whole numbers only. */
const WHOLE = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 2e4, 5e4, 1e5, 2e5, 5e5, 1e6];

/** The y axis: compact figures; whole steps for counts. */
function valueAxis(counts) {
	return axis({ values: (_u, splits) => splits.map(compact), size: 56, ...(counts ? { incrs: WHOLE } : {}) });
}

/** Category labels, every k-th one when they would overlap (narrow screens). */
function categoryValues(labels) {
	return (u, splits) => {
		const widest = Math.max(...labels.map((l) => l.length)) * 7 + 12;
		const plotWidth = u.bbox.width / window.devicePixelRatio;
		const every = Math.max(1, Math.ceil((labels.length * widest) / Math.max(1, plotWidth)));
		return splits.map((i) => (i % every === 0 ? (labels[i] ?? "") : ""));
	};
}

/**
 * Bars over categories. `data`: `{ labels: string[], series: [{ label, values: (number|null)[], text?: string[] }] }`;
 * `text` gives the exact figure shown on hover. With two series, bars stand side by side.
 */
export async function barChart(container, { height, unit = "", counts = false, category = "", describe }) {
	return mountChart(container, {
		height,
		colors: COLORS,
		describe,
		x: (data) => ({ label: category, value: (_u, v) => data.labels[v] ?? "—" }),
		toUplot: (data) => ({
			aligned: [data.labels.map((_, i) => i), ...data.series.map((s) => s.values)],
			series: data.series.map((s, i) => ({
				label: s.label,
				fill: COLORS[i % COLORS.length],
				stroke: COLORS[i % COLORS.length],
				width: 0,
				points: { show: false },
				paths: window.uPlot.paths.bars({
					size: data.series.length > 1 ? [0.4, 60] : [0.65, 90],
					align: data.series.length > 1 ? (i === 0 ? -1 : 1) : 0,
				}),
				value: (_u, v, _s, idx) => (v === null || v === undefined ? "—" : `${s.text?.[idx] ?? compact(v)}${unit ? ` ${unit}` : ""}`),
			})),
		}),
		options: (_uPlot, data) => ({
			legend: { show: data.series.length > 1, live: true },
			cursor: { drag: { x: false, y: false }, points: { show: false } },
			scales: {
				x: { time: false, range: () => [-0.5, data.labels.length - 0.5] },
				y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] },
			},
			axes: [
				axis({
					grid: { show: false },
					splits: () => data.labels.map((_, i) => i),
					values: categoryValues(data.labels),
					gap: 4,
				}),
				valueAxis(counts),
			],
		}),
	});
}

/** Steps of the time axis, in seconds: never below a second (a balance changes once a block). */
const TIME_STEPS = [1, 5, 10, 15, 30, 60, 300, 600, 900, 1800, 3600, 7200, 21600, 43200, 86400, 172800, 604800, 2592000, 31536000];

/** Time ticks in UTC, as precise as the visible range needs: "12-01", "14:05", "14:05:30". */
function timeValues(u, splits) {
	const range = (u.scales.x.max ?? 0) - (u.scales.x.min ?? 0);
	const [from, to] = range > 3 * 86400 ? [5, 10] : range > 300 ? [11, 16] : [11, 19];
	return splits.map((s) => new Date(s * 1000).toISOString().slice(from, to));
}

/**
 * Values over time as steps (a balance holds until the next change). `data`:
 * `{ times: number[] (unix seconds), series: [{ label, values: (number|null)[] }] }`.
 */
export async function stepChart(container, { height, describe }) {
	return mountChart(container, {
		height,
		colors: COLORS,
		describe,
		x: () => ({ label: "Time (UTC)", value: "{YYYY}-{MM}-{DD} {HH}:{mm}:{ss}" }),
		toUplot: (data) => ({
			aligned: [data.times, ...data.series.map((s) => s.values)],
			series: data.series.map((s, i) => ({
				label: s.label,
				stroke: COLORS[i % COLORS.length],
				width: 2,
				points: { show: data.times.length < 3 },
				paths: window.uPlot.paths.stepped({ align: 1 }),
				value: (_u, v) => (v === null || v === undefined ? "—" : compact(v)),
			})),
		}),
		options: (uPlot) => ({
			// Times in UTC, as everywhere else on the dashboard.
			tzDate: (seconds) => uPlot.tzDate(new Date(seconds * 1000), "Etc/UTC"),
			legend: { show: true, live: true },
			cursor: { drag: { x: true, y: false } },
			scales: { x: { time: true }, y: { range: (_u, min, max) => [Math.min(0, min), max > 0 ? max * 1.1 : 1] } },
			axes: [axis({ space: 80, incrs: TIME_STEPS, values: timeValues }), valueAxis(false)],
		}),
	});
}
