// The row under a program or fill when a clinician went past a soft limit of the drug library with a reason (issue 13): the reason
// and each limit gone past, across the whole table so it stays readable on a phone.
import type { DrugLibraryViolation } from '@pumpwatch/shared';

export function LimitOverrideRow({
  overrides,
  reason,
  columns,
}: {
  overrides: DrugLibraryViolation[] | undefined;
  reason: string | null;
  columns: number;
}) {
  if (!overrides || overrides.length === 0) return null;
  return (
    <tr className="limit-override-row">
      <td colSpan={columns}>
        <div className="limit-override" data-testid="limit-override">
          <span aria-hidden="true">⚠ </span>
          <strong>limit override:</strong> {reason ?? '(no reason recorded)'}
          <ul className="plain muted">
            {overrides.map((v) => (
              <li key={`${v.field}-${v.rule}`}>{v.message}</li>
            ))}
          </ul>
        </div>
      </td>
    </tr>
  );
}
