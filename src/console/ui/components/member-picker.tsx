import { useEffect, useRef, useState } from 'preact/hooks';
import { useSession } from '../session';
import type { Member } from '../types';
import { ErrorBox } from './error-box';
import { TextField } from './field';

/** A picked member as the picker shows it: enough to tell two 王先生 apart. */
export interface PickedMember {
  id: string;
  name: string | null;
  mobile: string | null;
  tierName: string;
}

/** How long typing pauses before the search runs. */
const SEARCH_DELAY_MS = 300;

/** Worth asking the server: 4 or more digits (a mobile's ending), or any text that is not digits. */
export function searchable(text: string): boolean {
  const typed = text.trim();
  if (!typed) return false;
  return /^[\d\s-]+$/.test(typed) ? typed.replace(/\D/g, '').length >= 4 : true;
}

/**
 * Picks members by what staff know of them (`GET /members?q=`): a mobile number, its last 4
 * digits, or a name. Matches show name, masked mobile and tier; a picked member becomes a chip,
 * removable, up to `max`.
 */
export function MemberPicker({
  label,
  selected,
  onChange,
  max,
  hint,
}: {
  label: string;
  selected: readonly PickedMember[];
  onChange(members: PickedMember[]): void;
  max: number;
  hint?: string;
}) {
  const { api } = useSession();
  const [text, setText] = useState('');
  const [matches, setMatches] = useState<PickedMember[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [searching, setSearching] = useState(false);
  /** The text of the latest search started: an older answer arriving late is dropped. */
  const latest = useRef('');

  const search = async (typed: string) => {
    latest.current = typed;
    if (!searchable(typed)) {
      setMatches(null);
      return;
    }
    setSearching(true);
    setError(null);
    try {
      const answer = await api.get<{ members: Member[] }>(`/members?q=${encodeURIComponent(typed.trim())}`);
      if (latest.current !== typed) return;
      setMatches(
        answer.members.map((m) => ({ id: m.id, name: m.name, mobile: m.mobile, tierName: m.tier.name })),
      );
    } catch (err) {
      if (latest.current === typed) setError(err);
    } finally {
      if (latest.current === typed) setSearching(false);
    }
  };

  useEffect(() => {
    const timer = setTimeout(() => void search(text), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [text]);

  const pick = (member: PickedMember) => {
    if (selected.some((m) => m.id === member.id) || selected.length >= max) return;
    onChange([...selected, member]);
  };
  const full = selected.length >= max;

  return (
    <div class="member-picker">
      <TextField
        label={label}
        value={text}
        onValue={setText}
        autoComplete="off"
        hint={hint}
        onKeyDown={(event) => {
          // Enter searches now instead of submitting the form around the picker.
          if (event.key === 'Enter') {
            event.preventDefault();
            void search(text);
          }
        }}
      />
      <ErrorBox error={error} />
      {searching ? <p class="muted small">正在查找…</p> : null}
      {matches && !searching ? (
        matches.length === 0 ? (
          <p class="muted small" role="status">
            没有找到匹配的会员
          </p>
        ) : (
          <ul class="member-picker__matches" aria-label="匹配的会员">
            {matches.map((m) => {
              const chosen = selected.some((s) => s.id === m.id);
              return (
                <li key={m.id}>
                  <button
                    type="button"
                    class="button button--small"
                    disabled={chosen || full}
                    onClick={() => pick(m)}
                  >
                    {describe(m)}
                    {chosen ? '（已选）' : ''}
                  </button>
                </li>
              );
            })}
          </ul>
        )
      ) : null}
      {selected.length > 0 ? (
        <ul class="member-picker__chips" aria-label="已选会员">
          {selected.map((m) => (
            <li key={m.id} class="chip">
              {describe(m)}
              <button
                type="button"
                class="member-picker__remove"
                aria-label={`移除 ${m.name ?? m.mobile ?? '会员'}`}
                onClick={() => onChange(selected.filter((s) => s.id !== m.id))}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      {full ? <p class="muted small">最多选择 {max} 位</p> : null}
    </div>
  );
}

/** 李女士 · 137****1234 · 金卡 */
function describe(member: PickedMember): string {
  return [member.name ?? '（未留姓名）', member.mobile ?? '无手机号', member.tierName].join(' · ');
}
