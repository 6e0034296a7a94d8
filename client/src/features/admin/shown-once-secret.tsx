// A secret just created (a gateway token, a calendar feed link): the server keeps only its hash, so this is the one chance to copy it.
import { useRef, useState, type ReactNode } from 'react';

interface ShownOnceSecretProps {
  /** What to do with it and what happens if it leaks. */
  children: ReactNode;
  /** Accessible name of the read-only field. */
  label: string;
  /** "token", "link": named in the clipboard fallback message. */
  noun: string;
  value: string;
  /** Test ids: `${testId}` on the notice, `${valueTestId}` on the field. */
  testId: string;
  valueTestId: string;
  onDone: () => void;
}

export function ShownOnceSecret({ children, label, noun, value, testId, valueTestId, onDone }: ShownOnceSecretProps) {
  const field = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);

  async function copy() {
    field.current?.select();
    try {
      await navigator.clipboard.writeText(value);
      setCopied('yes');
    } catch {
      // Clipboard access needs a secure context; the text stays selected for Ctrl+C.
      setCopied('no');
    }
  }

  return (
    <div className="notice notice--warn secret" role="alert" data-testid={testId}>
      <p>{children}</p>
      <div className="secret__row">
        <label htmlFor={`${valueTestId}-field`} className="visually-hidden">
          {label}
        </label>
        <input
          id={`${valueTestId}-field`}
          ref={field}
          type="text"
          readOnly
          value={value}
          onFocus={(e) => e.currentTarget.select()}
          className="secret__value"
          data-testid={valueTestId}
          spellCheck={false}
        />
        <button type="button" className="button" onClick={() => void copy()}>
          Copy
        </button>
        <button type="button" className="button button--quiet" onClick={onDone}>
          I have stored it
        </button>
      </div>
      {copied === 'yes' && (
        <p className="small" role="status">
          Copied to the clipboard.
        </p>
      )}
      {copied === 'no' && (
        <p className="small" role="status">
          The browser refused the clipboard: the {noun} is selected, press Ctrl+C.
        </p>
      )}
    </div>
  );
}
