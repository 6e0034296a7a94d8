// Date and date-time fields written in the clinic's locale (31.01.2026 in a Berlin clinic, whatever the browser's language), with the
// browser's own picker one button away; the value is what the browser's date input gave (YYYY-MM-DD, YYYY-MM-DDTHH:mm clinic time).
import { useId, useRef, useState, type ChangeEvent } from 'react';
import { flushSync } from 'react-dom';
import {
  datePatternOf,
  formatDateInLocale,
  formatDateTimeInLocale,
  parseDateInLocale,
  parseDateTimeInLocale,
  type TypedDate,
} from '@pumpwatch/shared';
import { useClinicLocale } from '../lib/clinic-locale';
import './clinic-date-input.css';

interface ClinicDateInputProps {
  /** `YYYY-MM-DD` (date) or `YYYY-MM-DDTHH:mm` in the clinic's wall clock (datetime); '' when empty; the typed text when it is no date. */
  value: string;
  onChange: (value: string) => void;
  /** The clinic (its chosen locale), and its IANA zone (the locale's default, and the clinic found by zone when no id is given). */
  clinicId?: string;
  timeZone?: string;
  required?: boolean;
  disabled?: boolean;
  min?: string;
  max?: string;
  /** From FormField. The field's error is shown by the date field itself: an unreadable date is explained in the clinic's pattern. */
  id?: string;
  formError?: string;
  formErrorId?: string;
  formErrorTestId?: string;
  'aria-invalid'?: boolean;
  'aria-describedby'?: string;
  'aria-label'?: string;
  'data-testid'?: string;
}

interface Kind {
  native: 'date' | 'datetime-local';
  format: (value: string, locale: string) => string;
  parse: (text: string, locale: string) => TypedDate;
  hint: (locale: string) => string;
}

const DATE: Kind = {
  native: 'date',
  format: formatDateInLocale,
  parse: parseDateInLocale,
  hint: (locale) => datePatternOf(locale).dateHint,
};
const DATE_TIME: Kind = {
  native: 'datetime-local',
  format: formatDateTimeInLocale,
  parse: parseDateTimeInLocale,
  hint: (locale) => `${datePatternOf(locale).dateHint} ${datePatternOf(locale).timeHint}`,
};

/** A calendar day (replaces `<input type="date">`). */
export function ClinicDateInput(props: ClinicDateInputProps) {
  return <LocaleDateField kind={DATE} {...props} />;
}

/** A day and a time of the clinic's wall clock (replaces `<input type="datetime-local">`). */
export function ClinicDateTimeInput(props: ClinicDateInputProps) {
  return <LocaleDateField kind={DATE_TIME} {...props} />;
}

function LocaleDateField({
  kind,
  value,
  onChange,
  timeZone,
  clinicId,
  required,
  disabled,
  min,
  max,
  formError,
  formErrorId,
  formErrorTestId,
  ...rest
}: ClinicDateInputProps & { kind: Kind }) {
  const locale = useClinicLocale(timeZone, clinicId);
  const hint = kind.hint(locale);
  const native = useRef<HTMLInputElement>(null);
  // The text on screen and the value it stands for: a value from outside (a default, a reset, the picker) is shown in the locale.
  const [shown, setShown] = useState({ value, locale, text: kind.format(value, locale) });
  const [touched, setTouched] = useState(false);
  // The browser's picker input exists only while it is open: the field stays one input for labels, tests and screen readers.
  const [picking, setPicking] = useState(false);
  if (shown.value !== value || shown.locale !== locale) setShown({ value, locale, text: kind.format(value, locale) });

  const typed = kind.parse(shown.text, locale);
  const unreadable = typed.kind === 'invalid';
  const patternId = `${useId()}-pattern`;
  const problemId = `${patternId}-problem`;
  // One message under the field: text that reads as no date is explained in the clinic's pattern, not in the schema's ISO wording.
  // The schema's format complaint is about the text, so it goes once the text reads as a date; other errors stay until resubmitted.
  const problem =
    unreadable && (touched || formError) ? `Not a date: type ${hint}` : formError?.includes('ISO-8601') ? undefined : formError;
  const problemElementId = formError ? (formErrorId ?? problemId) : problemId;
  const describedBy = [rest['aria-describedby'], patternId, problem && !formError ? problemId : undefined].filter(Boolean).join(' ');

  function type(e: ChangeEvent<HTMLInputElement>) {
    const text = e.target.value;
    const read = kind.parse(text, locale);
    // No date is ever guessed: text that reads as none is passed on as typed, and the form's own check refuses it by its field.
    const next = read.kind === 'date' ? read.value : read.kind === 'empty' ? '' : text.trim();
    setShown({ value: next, locale, text });
    onChange(next);
  }

  function openPicker() {
    flushSync(() => setPicking(true)); // rendered now, while the click still counts as the user's gesture showPicker needs
    try {
      native.current?.showPicker();
    } catch {
      setPicking(false); // a browser without showPicker: the field is still typed
    }
  }

  return (
    <span className="date-input">
      <input
        {...rest}
        type="text"
        className="date-input__text"
        inputMode={kind === DATE_TIME && datePatternOf(locale).hour12 ? 'text' : 'numeric'}
        autoComplete="off"
        placeholder={hint}
        value={shown.text}
        onChange={type}
        onBlur={() => {
          setTouched(true);
          if (typed.kind === 'date') setShown({ value, locale, text: kind.format(typed.value, locale) });
        }}
        required={required}
        disabled={disabled}
        aria-describedby={describedBy}
        aria-invalid={rest['aria-invalid'] || (touched && unreadable) || undefined}
        data-locale={locale}
        data-pattern={hint}
      />
      <button
        type="button"
        className="date-input__calendar"
        onClick={openPicker}
        disabled={disabled}
        aria-label={`Open calendar (${hint})`}
      >
        <CalendarIcon />
      </button>
      {picking && (
        <input
          ref={native}
          type={kind.native}
          className="date-input__native"
          tabIndex={-1}
          aria-hidden="true"
          value={typed.kind === 'date' ? typed.value : ''}
          min={min}
          max={max}
          onChange={(e) => {
            setShown({ value: e.target.value, locale, text: kind.format(e.target.value, locale) });
            setPicking(false);
            onChange(e.target.value);
          }}
          onBlur={() => setPicking(false)}
        />
      )}
      <span className="visually-hidden" id={patternId}>
        written {hint}
      </span>
      {problem && (
        <span className="field__error date-input__problem" id={problemElementId} data-testid={formError ? formErrorTestId : undefined}>
          {problem}
        </span>
      )}
    </span>
  );
}

/** A calendar page drawn inline (no emoji font is needed on the ward's computers). */
function CalendarIcon() {
  return (
    <svg aria-hidden="true" focusable="false" width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2">
      <rect x="3" y="5" width="18" height="16" rx="2" />
      <path d="M3 10h18M8 3v4M16 3v4" />
    </svg>
  );
}
