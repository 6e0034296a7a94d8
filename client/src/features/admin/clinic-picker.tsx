// The clinic an admin page works on: a picker, shown only to someone who administers more than one clinic.
import type { Clinic } from '@pumpwatch/shared';

export function ClinicPicker({
  clinics,
  value,
  onChange,
  testId,
}: {
  clinics: readonly Clinic[];
  value: string;
  onChange: (clinicId: string) => void;
  testId: string;
}) {
  if (clinics.length <= 1) return null;
  return (
    <div className="toolbar">
      <label className="filter">
        <span>Clinic</span>
        <select value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId}>
          {clinics.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}
