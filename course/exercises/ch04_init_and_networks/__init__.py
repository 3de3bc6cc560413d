"""Chapter 4 (building networks and initialising them): how each exercise is checked.

``modules``: a linear layer by hand, modules, nn.Sequential and parameter counts (sections
1-6.2); ``init``: bounds and stds of the init schemes and Kaiming by hand (6.3-6.6);
``networks``: ``.apply``, per-layer init, symmetric units and forward hooks (6.7-8).
``EXERCISES`` lists them in the notebook's order.
"""

from course.check.spec import numbered
from course.exercises.ch04_init_and_networks.init import (
    DEFAULT_LINEAR_WEIGHT_STD,
    KAIMING_NORMAL_FROM_SCRATCH_,
    KAIMING_NORMAL_STD,
    XAVIER_UNIFORM_BOUND,
)
from course.exercises.ch04_init_and_networks.modules import (
    COUNT_MLP_PARAMETERS,
    LINEAR_FORWARD,
    MAKE_IDENTITY_MLP,
    MAKE_MLP,
    TWO_LAYER_NET,
)
from course.exercises.ch04_init_and_networks.networks import (
    ACTIVATION_STDS,
    COUNT_DISTINCT_UNITS,
    INIT_FOR_RELU,
    TANH_RELU_NET,
)

EXERCISES = numbered(LINEAR_FORWARD, TWO_LAYER_NET, MAKE_MLP, COUNT_MLP_PARAMETERS,
                     MAKE_IDENTITY_MLP, XAVIER_UNIFORM_BOUND, KAIMING_NORMAL_STD,
                     DEFAULT_LINEAR_WEIGHT_STD, KAIMING_NORMAL_FROM_SCRATCH_, INIT_FOR_RELU,
                     TANH_RELU_NET, COUNT_DISTINCT_UNITS, ACTIVATION_STDS)
