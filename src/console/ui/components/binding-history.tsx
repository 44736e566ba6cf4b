import { formatDateTime } from '../format';
import { bindingReasons, channels } from '../labels';
import type { BindingHistoryEntry } from '../types';
import { Badge } from './badge';
import { DataTable } from './data-table';

/**
 * 微信绑定记录: every bind and unbind of the member's WeChat account, oldest first. Accounts show
 * as short tags of their hashed openids (the openids are not kept): the same tag is the same WeChat.
 */
export function BindingHistory({ entries }: { entries: BindingHistoryEntry[] }) {
  return (
    <div class="card">
      <h2>微信绑定记录</h2>
      <p class="muted">「原微信」「新微信」是微信号的匿名标记，标记相同即同一个微信。</p>
      <DataTable
        caption="微信绑定记录（从早到晚）"
        rows={entries}
        rowKey={(b) => `${b.at}-${b.action}-${b.reason}-${b.fromAccount ?? ''}-${b.toAccount ?? ''}`}
        empty="没有微信绑定记录。"
        columns={[
          { key: 'at', label: '时间', render: (b) => formatDateTime(b.at) },
          {
            key: 'reason',
            label: '变更',
            render: (b) => (
              <Badge tone={b.reason === 'rebind' ? 'warning' : b.action === 'bind' ? 'success' : 'neutral'}>
                {bindingReasons[b.reason] ?? b.reason}
              </Badge>
            ),
          },
          { key: 'from', label: '原微信', render: (b) => b.fromAccount ?? '—' },
          { key: 'to', label: '新微信', render: (b) => b.toAccount ?? '—' },
          { key: 'channel', label: '渠道', render: (b) => channels[b.channel] ?? b.channel },
        ]}
      />
    </div>
  );
}
