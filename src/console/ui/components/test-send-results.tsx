import type { TestSendReport, TestSendResult } from '../types';
import { Badge, type Tone } from './badge';

const statusLabels: Record<TestSendResult['status'], { label: string; tone: Tone }> = {
  sent: { label: '已发送', tone: 'success' },
  not_sent: { label: '未发送', tone: 'danger' },
  failed: { label: '发送失败', tone: 'danger' },
  deferred: { label: '已顺延', tone: 'warning' },
  held: { label: '待发送', tone: 'warning' },
  pending: { label: '发送中', tone: 'info' },
};

/** The toast after a test send: how many it really reached, never more. */
export function testSendToast(report: TestSendReport): string {
  const sent = report.results.filter((r) => r.status === 'sent').length;
  const others = report.results.length - sent;
  if (sent === 0) return '测试消息没有发出，原因见「发送测试」';
  return others > 0 ? `测试消息已发送 ${sent} 人，${others} 人未发出` : `测试消息已发送 ${sent} 人`;
}

/** Each recipient's real outcome (sent, not sent and why, failed, deferred until…). */
export function TestSendResults({ report }: { report: TestSendReport }) {
  const allSent = report.results.length > 0 && report.results.every((r) => r.status === 'sent');
  return (
    <div class={`alert ${allSent ? 'alert--success' : 'alert--warning'}`} role="status">
      {report.results.length === 0 ? <p>没有找到可发送的会员。</p> : null}
      <ul class="plain" data-testid="test-results">
        {report.results.map((result) => {
          const status = statusLabels[result.status];
          return (
            <li key={result.key}>
              <Badge tone={status.tone}>{status.label}</Badge> {result.name ?? '会员'}：{result.message}
            </li>
          );
        })}
      </ul>
      {report.notFound.length ? <p>没有找到：{report.notFound.join('、')}</p> : null}
    </div>
  );
}
