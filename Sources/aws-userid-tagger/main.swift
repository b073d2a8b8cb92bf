import Tagger
import LambdaRuntime
print("aws-userid-tagger: not built yet")
