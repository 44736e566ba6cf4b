import { useState } from 'preact/hooks';
import { DataTable } from '../components/data-table';
import { ErrorBox } from '../components/error-box';
import { SelectField } from '../components/field';
import { PageHeader } from '../components/page-header';
import { useToast } from '../components/toasts';
import { formatDate, formatDateTime } from '../format';
import { useSession } from '../session';
import { useLoad } from '../use-load';

/** One message as `GET /conversation/misunderstood` lists it (already masked by the server). */
interface MisunderstoodMessage {
  id: string;
  text: string;
  kind: 'not_understood' | 'unresolved_clarification';
  at: string;
  storeId: string | null;
  closest: { intent: string; score: number }[];
}

/** The model's intents as staff know them; the file name (`balance.txt`) is shown beside. */
const INTENT_NAMES: Record<string, string> = {
  balance: '查积分',
  history: '积分明细',
  why: '积分怎么算',
  redeem: '积分兑换',
  referral: '推荐有礼',
  my_car: '我的车',
  missing_points: '积分没到账',
  unsubscribe: '退订',
  subscribe: '恢复订阅',
  erase: '注销',
  help: '菜单',
  human: '人工',
  signup: '入会',
  my_vouchers: '我的券',
  stores: '门店',
  benefits: '会员权益',
  complaint: '投诉',
  smalltalk: '闲聊',
  program_faq: '方案问题',
  booking: '预约',
  events: '活动',
};

const KINDS: Record<MisunderstoodMessage['kind'], string> = {
  not_understood: '没看懂',
  unresolved_clarification: '问了没选',
};

const PERIODS = [
  { value: 'all', label: '全部（保留期内）' },
  { value: '7', label: '最近 7 天' },
  { value: '30', label: '最近 30 天' },
];

/**
 * 未理解的消息: what members wrote that the assistant did not understand (masked by the server),
 * newest first, with the model's two closest intents, and the export as an examples file that
 * staff label into `src/conversation/intents/examples/` (see docs/conversations.md).
 */
export function Misunderstood() {
  const { api, program, storeId } = useSession();
  const notify = useToast();
  const [store, setStore] = useState(storeId ?? '');
  const [period, setPeriod] = useState('all');
  const [downloadError, setDownloadError] = useState<unknown>(null);
  const query = () => {
    const params = new URLSearchParams({ limit: '500' });
    if (store) params.set('storeId', store);
    if (period !== 'all')
      params.set('since', new Date(Date.now() - Number(period) * 86_400_000).toISOString());
    return params;
  };
  const list = useLoad(
    () =>
      api
        .get<{ messages: MisunderstoodMessage[] }>(`/conversation/misunderstood?${query()}`)
        .then((r) => r.messages),
    [store, period],
  );
  const storeName = (id: string | null) =>
    id ? (program.stores.find((s) => s.id === id)?.name ?? id) : '（非会员）';

  const download = async () => {
    setDownloadError(null);
    try {
      const params = query();
      params.set('format', 'txt');
      await api.download(
        `/conversation/misunderstood?${params}`,
        `misunderstood-${formatDate(new Date())}.txt`,
      );
      notify('示例文件已开始下载');
    } catch (err) {
      setDownloadError(err);
    }
  };

  return (
    <section>
      <PageHeader
        title="未理解的消息"
        subtitle="会员发来、助手没看懂的话（手机号、车牌、证件号和姓名已遮盖）。导出后把每行放进对应意图的示例文件，助手下次就能看懂。"
        actions={
          <button type="button" class="button" onClick={() => void download()}>
            导出示例文件
          </button>
        }
      />
      <div class="toolbar">
        {storeId ? null : (
          <SelectField
            label="门店"
            value={store}
            onValue={setStore}
            options={[
              { value: '', label: '全部门店' },
              ...program.stores.map((s) => ({ value: s.id, label: s.name })),
            ]}
          />
        )}
        <SelectField label="时间" value={period} onValue={setPeriod} options={PERIODS} />
      </div>
      <ErrorBox error={list.error} />
      <ErrorBox error={downloadError} />
      {list.data ? (
        <DataTable
          caption="未理解的消息，最新的在前"
          rows={list.data}
          rowKey={(row) => row.id}
          empty="这段时间没有未理解的消息。"
          columns={[
            { key: 'at', label: '时间', render: (row) => formatDateTime(row.at) },
            { key: 'text', label: '会员原话', render: (row) => <span class="bubble">{row.text}</span> },
            { key: 'store', label: '门店', render: (row) => storeName(row.storeId) },
            {
              key: 'closest',
              label: '最接近的意图',
              render: (row) =>
                row.closest
                  .map(
                    (c) =>
                      `${INTENT_NAMES[c.intent] ?? c.intent}（${c.intent}）${Math.round(c.score * 100)}%`,
                  )
                  .join('、'),
            },
            { key: 'kind', label: '情况', render: (row) => KINDS[row.kind] },
          ]}
        />
      ) : list.loading ? (
        <p class="muted">正在加载…</p>
      ) : null}
    </section>
  );
}
