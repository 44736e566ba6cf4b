import type { ComponentChildren } from 'preact';

export interface Column<T> {
  key: string;
  label: string;
  /** Numbers are right-aligned so digits line up. */
  numeric?: boolean;
  render(row: T): ComponentChildren;
}

interface DataTableProps<T> {
  caption: string;
  /** Shows the caption to sighted users too (otherwise it is for screen readers only). */
  showCaption?: boolean;
  columns: readonly Column<T>[];
  rows: readonly T[];
  rowKey(row: T): string;
  empty: string;
}

/**
 * A table with a caption and column headers; on a narrow screen it scrolls sideways inside its
 * own region (focusable, so the keyboard can scroll it too).
 */
export function DataTable<T>({ caption, showCaption, columns, rows, rowKey, empty }: DataTableProps<T>) {
  if (rows.length === 0) return <p class="empty">{empty}</p>;
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard
    <section class="table-wrap" aria-label={caption} tabIndex={0}>
      <table class="table">
        <caption class={showCaption ? 'table__caption' : 'visually-hidden'}>{caption}</caption>
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column.key} scope="col" class={column.numeric ? 'num' : undefined}>
                {column.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={rowKey(row)}>
              {columns.map((column) => (
                <td key={column.key} class={column.numeric ? 'num' : undefined}>
                  {column.render(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
