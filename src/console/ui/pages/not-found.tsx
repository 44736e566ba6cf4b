import { PageHeader } from '../components/page-header';

export function NotFound() {
  return (
    <section>
      <PageHeader title="页面不存在" />
      <p>没有这个页面，请从左侧菜单选择。</p>
    </section>
  );
}
