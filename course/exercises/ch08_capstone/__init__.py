"""Chapter 8 (capstone): how each exercise is checked, one module per part of the chapter.

``data`` (sections 2-3: the split, standardising), ``model`` (sections 4-6: the network,
training, predicting), ``evaluation`` (sections 7-8: metrics, confused pairs), ``tuning``
(section 8: fit with validation, early stopping and a scheduler) and ``pipeline`` (sections
9-10: saving and reloading, the whole classifier). ``EXERCISES`` lists them in the notebook's
order.
"""

from course.check.spec import numbered
from course.exercises.ch08_capstone.data import SCALE_SPLITS, SPLIT_INDICES
from course.exercises.ch08_capstone.evaluation import CONFUSED_PAIRS, EVALUATE
from course.exercises.ch08_capstone.model import MAKE_MODEL, PREDICT, TRAIN_MODEL
from course.exercises.ch08_capstone.pipeline import PHONE_CLASSIFIER, SAVE_AND_RELOAD
from course.exercises.ch08_capstone.tuning import FIT

EXERCISES = numbered(SPLIT_INDICES, SCALE_SPLITS, MAKE_MODEL, TRAIN_MODEL, PREDICT, EVALUATE, FIT,
                     CONFUSED_PAIRS, SAVE_AND_RELOAD, PHONE_CLASSIFIER)
