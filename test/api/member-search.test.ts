import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness';

/** `GET /members?q=`: staff find a member by mobile, its last digits, or a part of the name. */
let h: ApiHarness;
beforeAll(async () => {
  h = await startApiHarness({ now: '2026-11-02T10:00:00+08:00' });
});
afterAll(() => h?.stop());

const masked = (mobile: string) => `${mobile.slice(0, 3)}****${mobile.slice(7)}`;
const search = (q: string, role: 'admin' | 'store' | 'marketing' = 'marketing') =>
  h.get(`/api/v1/members?q=${encodeURIComponent(q)}`, role);
const names = (body: { members: { name: string }[] }) => body.members.map((m) => m.name);

describe('GET /members?q=', () => {
  it('finds by whole mobile, by its last 4 digits and by a part of the name, masked but for admins', async () => {
    const li = await h.insertMember({ name: '李晓燕', mobile: '13712344321' });
    h.setNow('2026-11-02T11:00:00+08:00');
    const wang = await h.insertMember({ name: '王先生', mobile: '13898764321' });
    await h.insertMember({ name: '王大伟', mobile: '13600001111' });
    const gone = await h.insertMember({ name: '王已注销', mobile: '13900004321' });
    await h.runtime.services.db.members.updateOne({ _id: gone._id }, { $set: { status: 'erased' } });

    const whole = await search('13712344321');
    expect(whole.status).toBe(200);
    expect(whole.body.members).toHaveLength(1);
    expect(whole.body.members[0]).toMatchObject({
      id: li._id,
      name: '李晓燕',
      mobile: masked('13712344321'),
    });
    expect(whole.body.members[0].tier.name).toBe('铜卡');

    // The last 4 digits: both members ending 4321, oldest member first; the erased one is not listed.
    const ending = await search('4321', 'store');
    expect(ending.body.members.map((m: { id: string }) => m.id)).toEqual([li._id, wang._id]);
    expect(ending.body.members[1].mobile).toBe('138****4321');
    // Digits in the middle of a number are not its ending.
    expect((await search('1234')).body.members).toEqual([]);

    expect(names((await search('王')).body)).toEqual(['王先生', '王大伟']);
    expect(names((await search(' 晓燕 ')).body)).toEqual(['李晓燕']);
    const admin = await search('李', 'admin');
    expect(admin.body.members[0].mobile).toBe('13712344321');
  });

  it('takes what is typed literally and caps the list at 20', async () => {
    await h.insertMember({ name: '张.*', mobile: '13511112222' });
    expect(names((await search('.*')).body)).toEqual(['张.*']);
    expect((await search('(')).body.members).toEqual([]);
    for (let i = 0; i < 22; i++) await h.insertMember({ name: `赵车主${i}` });
    expect((await search('赵车主')).body.members).toHaveLength(20);
  });

  it('400 with a Chinese message for too few digits, too long a text, or q with another search', async () => {
    const short = await search('123');
    expect(short.status).toBe(400);
    expect(short.body.error.issues[0].message).toBe('手机号请输入完整 11 位或至少后 4 位');
    expect((await search('')).status).toBe(400);
    expect((await search('名'.repeat(21))).status).toBe(400);
    expect((await h.get('/api/v1/members?q=王&mobile=13712344321')).status).toBe(400);
    expect((await h.get('/api/v1/members?q=王', 'store')).status).toBe(200);
  });
});
