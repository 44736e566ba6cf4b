import { useEffect } from 'preact/hooks';
import { NewBooking } from './pages/booking-new';
import { Bookings } from './pages/bookings';
import { Callbacks } from './pages/callbacks';
import { CampaignDetail } from './pages/campaign-detail';
import { CampaignEditor } from './pages/campaign-editor';
import { Campaigns } from './pages/campaigns';
import { Enrol } from './pages/enrol';
import { FeedbackPage } from './pages/feedback';
import { MemberDetail } from './pages/member-detail';
import { MemberImport } from './pages/member-import';
import { Members } from './pages/members';
import { Misunderstood } from './pages/misunderstood';
import { MissingPoints } from './pages/missing-points';
import { NoPermission } from './pages/no-permission';
import { NotFound } from './pages/not-found';
import { ProgramPage } from './pages/program';
import { Redeem } from './pages/redeem';
import { Reports } from './pages/reports';
import { NewReward } from './pages/reward-new';
import { Rewards } from './pages/rewards';
import { Vouchers } from './pages/vouchers';
import { canOpen, homeSection, roleNames, type SectionId, sections } from './roles';
import { href, navigate, parseHash, type Route, useRoute } from './route';
import { useSession } from './session';

/** The signed-in frame: header, the role's navigation, and the page of the current hash route. */
export function Shell() {
  const { role, storeId, program, signOut } = useSession();
  const route = useRoute();
  const current = route.parts[0];

  useEffect(() => {
    // The address as it is now, not as it was at render: a link opened meanwhile wins.
    if (!parseHash(location.hash).parts[0]) navigate(href(homeSection(role)));
  }, [current, role]);

  const visible = sections.filter((s) => s.roles.includes(role));
  return (
    <div class="shell">
      <button type="button" class="skip-link" onClick={skipToMain}>
        跳到主要内容
      </button>
      <header class="topbar">
        <div class="topbar__brand">
          <span class="topbar__name">{program.programName}</span>
          <span class="topbar__product">员工后台</span>
        </div>
        <div class="topbar__who">
          <span class="topbar__role">
            {roleNames[role]}
            {storeId ? ` · ${storeName(program.stores, storeId)}` : ''}
          </span>
          <button type="button" class="button button--small" onClick={() => signOut('已退出登录')}>
            退出登录
          </button>
        </div>
      </header>
      <nav class="nav" aria-label="主导航">
        <ul>
          {visible.map((section) => (
            <li key={section.id}>
              <a href={href(section.id)} aria-current={section.id === current ? 'page' : undefined}>
                {section.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" class="main" tabIndex={-1}>
        {current ? <Page route={route} section={current} /> : null}
      </main>
    </div>
  );
}

function Page({ route, section }: { route: Route; section: string }) {
  const { role } = useSession();
  const known = sections.find((s) => s.id === section);
  if (!known) return <NotFound />;
  if (!canOpen(role, known.id)) return <NoPermission section={known.label} />;
  const [, first, second] = route.parts;
  const id: SectionId = known.id;
  switch (id) {
    case 'campaigns':
      if (first === 'new') return <CampaignEditor />;
      if (first && second === 'edit') return <CampaignEditor key={first} id={first} />;
      return first ? <CampaignDetail key={first} id={first} /> : <Campaigns />;
    case 'members':
      if (first === 'new') return <Enrol />;
      if (first && second === 'redeem') return <Redeem key={first} memberId={first} />;
      return first ? <MemberDetail key={first} id={first} /> : <Members query={route.query.get('q') ?? ''} />;
    case 'bookings': {
      const store = route.query.get('store');
      const date = route.query.get('date');
      if (first === 'new') return <NewBooking store={store} date={date} />;
      return <Bookings store={store} date={date} />;
    }
    case 'vouchers':
      return <Vouchers key={first ?? ''} initialCode={first ?? ''} />;
    case 'callbacks':
      return <Callbacks />;
    case 'feedback':
      return <FeedbackPage />;
    case 'missing-points':
      return <MissingPoints />;
    case 'reports':
      return <Reports selected={first ?? null} />;
    case 'rewards':
      return first === 'new' ? <NewReward /> : <Rewards />;
    case 'program':
      return <ProgramPage />;
    case 'import':
      return <MemberImport />;
    case 'misunderstood':
      return <Misunderstood />;
  }
}

/** Hash routing owns the hash, so the skip link moves the focus instead of navigating. */
function skipToMain() {
  document.getElementById('main')?.focus();
}

function storeName(stores: readonly { id: string; name: string }[], id: string): string {
  return stores.find((s) => s.id === id)?.name ?? id;
}
