import type { ComponentChildren, JSX } from 'preact';
import { useId } from 'preact/hooks';

/** What a control inside a Field gets: its id, and the hint/error it is described by. */
export interface ControlProps {
  id: string;
  'aria-describedby'?: string;
  'aria-invalid'?: boolean;
  required?: boolean;
}

interface FieldProps {
  label: string;
  hint?: ComponentChildren;
  error?: string | null | undefined;
  required?: boolean;
  class?: string;
  children: (control: ControlProps) => ComponentChildren;
}

/**
 * A labelled form control: a real `<label for>`, the hint and the error tied to the control with
 * `aria-describedby`, so a screen reader reads all three and a click on the label focuses it.
 */
export function Field({ label, hint, error, required, class: className, children }: FieldProps) {
  const id = useId();
  const described = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ');
  return (
    <div class={`field${error ? ' field--invalid' : ''}${className ? ` ${className}` : ''}`}>
      <label for={id}>
        {label}
        {required ? <span class="field__required"> （必填）</span> : null}
      </label>
      {children({
        id,
        ...(described ? { 'aria-describedby': described } : {}),
        ...(error ? { 'aria-invalid': true } : {}),
        ...(required ? { required: true } : {}),
      })}
      {hint ? (
        <p class="field__hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p class="field__error" id={`${id}-error`} role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

type InputAttributes = Omit<JSX.InputHTMLAttributes<HTMLInputElement>, 'value' | 'onInput' | 'id' | 'class'>;

interface TextFieldProps extends InputAttributes {
  label: string;
  value: string;
  onValue(value: string): void;
  hint?: ComponentChildren;
  error?: string | null | undefined;
  inputRef?: { current: HTMLInputElement | null };
}

export function TextField({
  label,
  value,
  onValue,
  hint,
  error,
  required,
  inputRef,
  ...rest
}: TextFieldProps) {
  return (
    <Field label={label} hint={hint} error={error} required={Boolean(required)}>
      {(control) => (
        <input
          {...rest}
          {...control}
          ref={inputRef}
          value={value}
          onInput={(e) => onValue(e.currentTarget.value)}
        />
      )}
    </Field>
  );
}

interface TextAreaFieldProps {
  label: string;
  value: string;
  onValue(value: string): void;
  hint?: ComponentChildren;
  error?: string | null | undefined;
  required?: boolean;
  rows?: number;
  maxLength?: number;
  textAreaRef?: { current: HTMLTextAreaElement | null };
}

export function TextAreaField({
  label,
  value,
  onValue,
  hint,
  error,
  required,
  rows,
  maxLength,
  textAreaRef,
}: TextAreaFieldProps) {
  return (
    <Field label={label} hint={hint} error={error} required={Boolean(required)}>
      {(control) => (
        <textarea
          {...control}
          ref={textAreaRef}
          rows={rows ?? 3}
          maxLength={maxLength}
          value={value}
          onInput={(e) => onValue(e.currentTarget.value)}
        />
      )}
    </Field>
  );
}

interface SelectFieldProps {
  label: string;
  value: string;
  onValue(value: string): void;
  options: readonly { value: string; label: string }[];
  hint?: ComponentChildren;
  error?: string | null | undefined;
  required?: boolean;
}

export function SelectField({ label, value, onValue, options, hint, error, required }: SelectFieldProps) {
  return (
    <Field label={label} hint={hint} error={error} required={Boolean(required)}>
      {(control) => (
        <select {...control} value={value} onChange={(e) => onValue(e.currentTarget.value)}>
          {options.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

interface CheckboxFieldProps {
  label: ComponentChildren;
  checked: boolean;
  onChecked(checked: boolean): void;
  hint?: ComponentChildren;
}

/** A checkbox inside its label (the whole line is clickable). */
export function CheckboxField({ label, checked, onChecked, hint }: CheckboxFieldProps) {
  const id = useId();
  return (
    <div class="field field--check">
      <label>
        <input
          type="checkbox"
          checked={checked}
          onChange={(e) => onChecked(e.currentTarget.checked)}
          {...(hint ? { 'aria-describedby': `${id}-hint` } : {})}
        />{' '}
        {label}
      </label>
      {hint ? (
        <p class="field__hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
    </div>
  );
}
