import { PageHeader } from '../components/page-header';
import { roleNames } from '../roles';
import { useSession } from '../session';

/** A section the key's role may not use (typed into the address bar or followed from a link). */
export function NoPermission({ section }: { section: string }) {
  const { role } = useSession();
  return (
    <section>
      <PageHeader title="没有权限" />
      <div class="alert alert--warning" role="alert">
        当前密钥（{roleNames[role]}）没有权限使用「{section}」。如需使用，请联系管理员。
      </div>
    </section>
  );
}
