import {
  ArcElement,
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  type ChartConfiguration,
  DoughnutController,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js';
import { useEffect, useRef } from 'preact/hooks';

// Only what the reports draw is registered, so the bundle carries only these parts of Chart.js.
Chart.register(
  BarController,
  BarElement,
  LineController,
  LineElement,
  PointElement,
  DoughnutController,
  ArcElement,
  CategoryScale,
  LinearScale,
  Legend,
  Tooltip,
);

/** Colours with enough contrast against white for thin lines and small legend boxes. */
const PALETTE = ['#1d5fd1', '#d9480f', '#2b8a3e', '#8e44ad', '#c2255c', '#0b7285', '#5c6b7a', '#e67700'];

export interface ChartSeries {
  label: string;
  values: number[];
}

interface ChartViewProps {
  type: 'bar' | 'stackedBar' | 'line' | 'doughnut';
  labels: string[];
  series: ChartSeries[];
  /** What the chart shows, for screen readers (the table below carries the numbers). */
  description: string;
  formatValue(value: number): string;
  /** Whole numbers only (counts): no 0.5 steps on the axis. */
  integer?: boolean;
}

/** A Chart.js chart on a canvas, rebuilt when its data changes and destroyed with the page. */
export function ChartView({ type, labels, series, description, formatValue, integer }: ChartViewProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return;
    const chart = new Chart(
      canvas.current,
      configuration(type, labels, series, formatValue, integer ?? false),
    );
    return () => chart.destroy();
  }, [type, labels, series, formatValue, integer]);
  return (
    <div class={`chart chart--${type}`}>
      <canvas ref={canvas} role="img" aria-label={description} />
    </div>
  );
}

function configuration(
  type: ChartViewProps['type'],
  labels: string[],
  series: ChartSeries[],
  formatValue: (value: number) => string,
  integer: boolean,
): ChartConfiguration {
  const font = { family: '"PingFang SC", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif' };
  const tooltip = {
    callbacks: {
      label: (item: { dataset: { label?: string }; parsed: unknown; raw: unknown }) =>
        `${item.dataset.label ?? ''}：${formatValue(Number(item.raw))}`,
    },
  };
  if (type === 'doughnut') {
    return {
      type: 'doughnut',
      data: {
        labels,
        datasets: series.map((s) => ({
          label: s.label,
          data: s.values,
          backgroundColor: labels.map((_, i) => PALETTE[i % PALETTE.length]!),
        })),
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { position: 'right', labels: { font } }, tooltip },
      },
    };
  }
  const stacked = type === 'stackedBar';
  return {
    type: type === 'line' ? 'line' : 'bar',
    data: {
      labels,
      datasets: series.map((s, i) => ({
        label: s.label,
        data: s.values,
        backgroundColor: PALETTE[i % PALETTE.length],
        borderColor: PALETTE[i % PALETTE.length],
        tension: 0.25,
      })),
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      scales: {
        x: { stacked, ticks: { font } },
        y: {
          stacked,
          beginAtZero: true,
          ticks: {
            font,
            ...(integer ? { precision: 0 } : {}),
            callback: (value) => formatValue(Number(value)),
          },
        },
      },
      plugins: { legend: { position: 'bottom', labels: { font } }, tooltip },
    },
  };
}
