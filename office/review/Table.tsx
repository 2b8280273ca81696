/**
 * The review pages' plain tables: a header row and one row per item. One home for the markup, so
 * that every table of the office reads (and is announced by screen readers) the same way.
 */
import type { Key, ReactElement, ReactNode } from 'react';

/** A cell: its content, or its content with a class (an outcome's colour). */
export type Cell = ReactNode | { className: string; content: ReactNode };

const hasClass = (cell: Cell): cell is { className: string; content: ReactNode } =>
  typeof cell === 'object' && cell !== null && 'className' in cell && 'content' in cell;

export function Table<T>({
  head,
  rows,
  cells,
  rowKey = (_row, i) => i,
}: {
  head: readonly string[];
  rows: readonly T[];
  cells: (row: T) => readonly Cell[];
  rowKey?: (row: T, index: number) => Key;
}): ReactElement {
  return (
    <table>
      <thead>
        <tr>
          {head.map((h) => (
            <th key={h}>{h}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row, i) => (
          <tr key={rowKey(row, i)}>
            {cells(row).map((cell, j) =>
              hasClass(cell) ? (
                <td key={j} className={cell.className}>
                  {cell.content}
                </td>
              ) : (
                <td key={j}>{cell}</td>
              ),
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
