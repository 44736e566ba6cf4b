import { defineFlow } from '../src/conversation/flow-schema';
import { text } from '../src/conversation/reply';
import { storesCopy } from './copy/zh-CN';

/** 门店: the program's stores with phone and opening hours, for members and guests alike. */
export const storesFlow = defineFlow({
  id: 'stores',
  version: 1,
  intent: 'stores',
  title: '门店信息',
  audience: 'anyone',
  start: 'list',
  steps: [{ type: 'say', id: 'list', say: (_data, ctx) => [text(storesCopy.list(ctx.stores))], next: null }],
});
