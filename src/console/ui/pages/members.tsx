import { useEffect, useRef, useState } from 'preact/hooks';
import { DataTable } from '../components/data-table';
import { ErrorBox } from '../components/error-box';
import { TextField } from '../components/field';
import { PageHeader } from '../components/page-header';
import { formatDate, formatPoints } from '../format';
import { canServeMembers } from '../roles';
import { href, navigate } from '../route';
import { useSession } from '../session';
import type { Member } from '../types';
import { useLoad } from '../use-load';

const MOBILE = /^1[3-9]\d{9}$/;

/** 会员: find a member by mobile or plate; the counter also enrols new members from here. */
export function Members({ query }: { query: string }) {
  const { api, role } = useSession();
  const [text, setText] = useState(query);
  const input = useRef<HTMLInputElement>(null);
  const result = useLoad(async () => {
    if (!query) return null;
    const mobile = query.replace(/[\s-]/g, '');
    const param = MOBILE.test(mobile)
      ? `mobile=${encodeURIComponent(mobile)}`
      : `plate=${encodeURIComponent(query.trim())}`;
    return (await api.get<{ members: Member[] }>(`/members?${param}`)).members;
  }, [query]);

  useEffect(() => input.current?.focus(), []);

  const submit = (event: Event) => {
    event.preventDefault();
    const q = text.trim();
    // The query lives in the address, so the browser's back button returns to these results.
    navigate(q ? `${href('members')}?q=${encodeURIComponent(q)}` : href('members'));
    if (q === query) void result.reload();
  };

  return (
    <section>
      <PageHeader
        title="会员查询"
        keepFocus
        subtitle={
          role === 'marketing'
            ? '市场角色只能查看会员信息。'
            : '按手机号或车牌号查找会员，或为新客户办理入会。'
        }
        actions={
          canServeMembers(role) ? (
            <a class="button button--primary" href={href('members', 'new')}>
              办理入会
            </a>
          ) : null
        }
      />
      <form class="card search" onSubmit={submit} noValidate>
        <TextField
          label="手机号或车牌号"
          value={text}
          onValue={setText}
          inputRef={input}
          autoComplete="off"
          hint="例如 13812345678 或 粤B12345"
        />
        <button type="submit" class="button button--primary">
          查询
        </button>
      </form>
      <ErrorBox error={result.error} />
      {query && result.data ? (
        <DataTable
          caption={`「${query}」的查询结果`}
          showCaption
          rows={result.data}
          rowKey={(m) => m.id}
          empty={`没有找到「${query}」对应的会员。${canServeMembers(role) ? '可以为客户办理入会。' : ''}`}
          columns={[
            {
              key: 'name',
              label: '姓名',
              render: (m) => <a href={href('members', m.id)}>{m.name ?? '（未留姓名）'}</a>,
            },
            { key: 'mobile', label: '手机号', render: (m) => m.mobile ?? '—' },
            {
              key: 'plates',
              label: '车牌',
              render: (m) =>
                m.vehicles
                  .map((v) => v.plate)
                  .filter(Boolean)
                  .join('、') || '—',
            },
            { key: 'tier', label: '等级', render: (m) => m.tier.name },
            {
              key: 'points',
              label: '可用积分',
              numeric: true,
              render: (m) => formatPoints(m.balance.available),
            },
            { key: 'since', label: '入会日期', render: (m) => formatDate(m.signedUpAt) },
          ]}
        />
      ) : null}
      {query && result.loading && !result.data ? <p class="muted">正在查询…</p> : null}
    </section>
  );
}
