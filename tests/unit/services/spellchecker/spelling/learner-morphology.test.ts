import { describe, expect, it } from 'vitest';
import {
  isContraction,
  isOverRegularised,
  learnerForm,
} from '../../../../../services/spellchecker/spelling/learner-morphology.ts';

describe('learnerForm', () => {
  it('gives the irregular past for a regular one, the participle after "has"', () => {
    expect(learnerForm('gived')).toBe('gave');
    expect(learnerForm('gived', 'has')).toBe('given');
    expect(learnerForm('buyed')).toBe('bought');
    expect(learnerForm('runned')).toBe('ran');
    expect(learnerForm('losted')).toBe('lost');
    expect(learnerForm('teached')).toBe('taught');
  });

  it('gives the irregular or -ies plural, and the irregular comparative', () => {
    expect(learnerForm('storys')).toBe('stories');
    expect(learnerForm('childs')).toBe('children');
    expect(learnerForm('womans')).toBe('women');
    expect(learnerForm('gooder')).toBe('better');
    expect(learnerForm('baddest')).toBe('worst');
  });

  it('puts back the apostrophe of a contraction, also with one letter wrong', () => {
    expect(learnerForm('doesnt')).toBe("doesn't");
    expect(learnerForm('dosnt')).toBe("doesn't");
    expect(learnerForm('im')).toBe("I'm");
    expect(learnerForm('shouldve')).toBe("should've");
  });

  it('leaves other words alone ("mustt" is not "mustn\'t", "resluts" not a form)', () => {
    expect(learnerForm('mustt')).toBeUndefined();
    expect(learnerForm('resluts')).toBeUndefined();
    expect(learnerForm('becuase')).toBeUndefined();
  });

  it('tells an over-regularised form from a contraction', () => {
    expect(isOverRegularised('gived')).toBe(true);
    expect(isOverRegularised('dosnt')).toBe(false);
    expect(isContraction("can't")).toBe(true);
    expect(isContraction('cant')).toBe(false);
  });
});
