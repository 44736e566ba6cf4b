import { useState } from 'preact/hooks';
import { Badge } from '../components/badge';
import { ErrorBox, errorText } from '../components/error-box';
import { SelectField } from '../components/field';
import { PageHeader } from '../components/page-header';
import { useToast } from '../components/toasts';
import { formatDateTime } from '../format';
import { href } from '../route';
import { useSession } from '../session';
import type { CallbackRequest } from '../types';
import { useLoad } from '../use-load';

type Status = 'open' | 'done';

const statusOptions = [
  { value: 'open', label: '待回电（先到先回）' },
  { value: 'done', label: '已回电（最近的在前）' },
];

/**
 * 回电: members who typed 人工 in the chat and asked to be called. Each request shows the member's
 * full number (calling back is what they asked for) and their last messages, so whoever calls knows
 * what it is about; 已回电 closes it. The member gets no chat message: they were just called.
 */
export function Callbacks() {
  const { api, program } = useSession();
  const notify = useToast();
  const [status, setStatus] = useState<Status>('open');
  const list = useLoad(
    () => api.get<{ callbacks: CallbackRequest[] }>(`/callbacks?status=${status}`).then((r) => r.callbacks),
    [status],
  );
  const [closing, setClosing] = useState<string | null>(null);
  const storeName = (id: string) => program.stores.find((s) => s.id === id)?.name ?? id;

  const markDone = async (request: CallbackRequest) => {
    setClosing(request.id);
    try {
      const done = await api.post<CallbackRequest & { duplicate: boolean }>(
        `/callbacks/${encodeURIComponent(request.id)}/done`,
        {},
      );
      notify(done.duplicate ? '这条回电请求之前已完成' : `已回电：${nameOf(request)}`);
    } catch (err) {
      notify(errorText(err), 'error');
    } finally {
      setClosing(null);
      void list.reload();
    }
  };

  return (
    <section>
      <PageHeader
        title="回电请求"
        subtitle="会员在公众号里发「人工」请求回电。打电话前先看看会员最近说了什么；打完电话点「已回电」。"
      />
      <div class="toolbar">
        <SelectField
          label="显示"
          value={status}
          onValue={(value) => setStatus(value as Status)}
          options={statusOptions}
        />
      </div>
      <ErrorBox error={list.error} />
      {list.data ? (
        list.data.length ? (
          <ul class="callbacks" aria-label={status === 'open' ? '待回电的请求' : '已回电的请求'}>
            {list.data.map((request) => (
              <li key={request.id} class="card callback">
                <div class="callback__head">
                  <h2 class="callback__name">
                    <a href={href('members', request.member.id)}>{nameOf(request)}</a>
                  </h2>
                  {request.member.mobile ? (
                    <a class="callback__mobile" href={`tel:${request.member.mobile}`}>
                      {request.member.mobile}
                    </a>
                  ) : (
                    <span class="muted">（会员已注销，没有号码）</span>
                  )}
                </div>
                {request.kind === 'rebind_alert' ? (
                  <p>
                    <Badge tone="warning">换绑提醒</Badge> 这位会员 30
                    天内多次换绑微信，请回电核实是否本人操作。
                  </p>
                ) : null}
                <p class="muted small">
                  {formatDateTime(request.createdAt)} {request.kind === 'rebind_alert' ? '提醒' : '提出'} ·{' '}
                  {storeName(request.storeId)}
                  {request.doneAt ? ` · ${formatDateTime(request.doneAt)} 已回电` : ''}
                </p>
                {request.note ? <p>留言：{request.note}</p> : null}
                {request.recentMessages.length ? (
                  <>
                    <h3>会员最近的消息</h3>
                    <ol class="messages">
                      {request.recentMessages.map((message, i) => (
                        <li key={`${message.at}-${i}`}>
                          <span class="messages__at">{formatDateTime(message.at)}</span>
                          <span class="bubble">{message.text}</span>
                        </li>
                      ))}
                    </ol>
                  </>
                ) : request.kind === 'rebind_alert' ? null : (
                  <p class="muted">没有最近的消息。</p>
                )}
                {request.status === 'open' ? (
                  <div class="actions">
                    <button
                      type="button"
                      class="button button--primary"
                      disabled={closing === request.id}
                      aria-label={`已回电：${nameOf(request)}`}
                      onClick={() => void markDone(request)}
                    >
                      已回电
                    </button>
                  </div>
                ) : null}
              </li>
            ))}
          </ul>
        ) : (
          <p class="empty">{status === 'open' ? '没有待回电的请求。' : '还没有已回电的请求。'}</p>
        )
      ) : list.loading ? (
        <p class="muted">正在加载…</p>
      ) : null}
    </section>
  );
}

function nameOf(request: CallbackRequest): string {
  return request.member.name ?? '（未留姓名）';
}
